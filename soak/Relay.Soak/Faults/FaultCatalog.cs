namespace Relay.Soak.Faults;

/// <summary>Every fault kind, one instance each, in <see cref="SoakOptions.FaultKinds"/> order.</summary>
public static class FaultCatalog
{
    public static IReadOnlyList<Fault> Create(SoakContext context) => [];
}
