namespace Relay.Soak.Faults;

/// <summary>Every fault kind, one instance each, in <see cref="SoakOptions.FaultKinds"/> order.</summary>
public static class FaultCatalog
{
    public static IReadOnlyList<Fault> Create(SoakContext context) =>
    [
        new TargetRefusesFault(context),
        new TargetResetsFault(context),
        new ClientVanishesFault(context),
        new SlowReaderFault(context),
        new HalfCloseClientFault(context),
        new HalfCloseTargetFault(context),
        new CloseKeepOpenFault(context),
        new OverloadFault(context),
    ];
}
