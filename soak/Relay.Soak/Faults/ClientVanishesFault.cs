using Relay.Soak.Target;

namespace Relay.Soak.Faults;

/// <summary>
/// client-vanishes: mid-stream (Hold or Echo, alternately), the client drops the connection without a Close frame,
/// alternating RST and a plain FIN: expect the target to see EOF or a reset within 5 s.
/// </summary>
public sealed class ClientVanishesFault(SoakContext context) : Fault(context, "client-vanishes")
{
    private static readonly TimeSpan s_targetSeesWithin = TimeSpan.FromSeconds(5);
    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        // Eight injections cover every combination of relay, mode and RST/FIN.
        var relay = Alternate(injection);
        var mode = (injection / 2) % 2 == 0 ? TargetMode.Hold : TargetMode.Echo;
        var reset = (injection / 4) % 2 == 0;
        var seen = Context.Registry.Expect(sessionId);
        try
        {
            await using var client = await SoakContext.ConnectAsync(relay, new Preamble(mode, sessionId, 0), 64 * 1024, timeout);
            var data = new byte[random.Next(1, 256 * 1024)];
            SessionPattern.Fill(Context.KeyOf(sessionId), 0, data);
            await client.SendAsync(data, timeout);
            if (mode == TargetMode.Echo)
            {
                // Mid-stream for real: the target is echoing when the client vanishes.
                await client.ReceiveAsync(timeout);
            }

            await client.VanishAsync(reset);
            var how = $"{relay.Name}, {mode}, {(reset ? "RST" : "FIN")}";
            try
            {
                await seen.WaitAsync(s_targetSeesWithin, timeout);
                return null;
            }
            catch (TimeoutException)
            {
                return $"{how}: the target saw neither EOF nor a reset within {s_targetSeesWithin.TotalSeconds:0} s of the client vanishing";
            }
        }
        finally
        {
            Context.Registry.Forget(sessionId);
        }
    }
}
