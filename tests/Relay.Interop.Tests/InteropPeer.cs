using System.Text;

namespace Relay.Interop.Tests;

/// <summary>
/// A WebSocket peer under test that reports what it observed as lines (docs/interop.md): <c>listening PORT</c>,
/// <c>open</c>, <c>sent N SHA256</c>, <c>received N SHA256</c>, <c>pong HEX</c>, <c>close CODE [REASON]</c>,
/// <c>error MESSAGE</c>. A test awaits the line it needs by its first word, bounded by the test's token.
/// </summary>
public abstract class InteropPeer : IAsyncDisposable
{
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    protected InteropPeer(string name) => Name = name;

    public string Name { get; }

    /// <summary>The port a server peer listens on (from its <c>listening</c> line).</summary>
    public int Port { get; protected set; }

    /// <summary>Every line so far, and whatever else the peer printed (stderr): for a failing assertion's message.</summary>
    public virtual string Transcript
    {
        get
        {
            lock (_gate)
            {
                return $"{Name} said:\n  {string.Join("\n  ", _lines)}";
            }
        }
    }

    /// <summary>
    /// Waits for the first line that starts with <paramref name="keyword"/> and returns its words after the keyword.
    /// Lines are kept, not consumed, so the order in which a peer prints them does not matter. Fails at once on an
    /// <c>error</c> line or when the peer ends without printing it.
    /// </summary>
    public async Task<string[]> ExpectAsync(string keyword, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var line in _lines)
                {
                    var words = line.Split(' ');
                    if (words[0] == "error")
                    {
                        throw new InvalidOperationException($"{Name} reported an error while a test waited for '{keyword}'.\n{Transcript}");
                    }

                    if (words[0] == keyword)
                    {
                        return words[1..];
                    }
                }

                if (_ended)
                {
                    throw new InvalidOperationException($"{Name} ended without saying '{keyword}'.\n{Transcript}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not say '{keyword}' in time.\n{Transcript}");
            }
        }
    }

    /// <summary>The close code from the peer's <c>close</c> line.</summary>
    public async Task<int> CloseCodeAsync(CancellationToken cancellationToken) =>
        int.Parse((await ExpectAsync("close", cancellationToken))[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Byte count and SHA-256 (hex) from a <c>sent</c> or <c>received</c> line.</summary>
    public async Task<(long Bytes, string Sha256)> CountAsync(string keyword, CancellationToken cancellationToken)
    {
        var words = await ExpectAsync(keyword, cancellationToken);
        return (long.Parse(words[0], System.Globalization.CultureInfo.InvariantCulture), words[1]);
    }

    protected void Report(string line)
    {
        lock (_gate)
        {
            _lines.Add(line.TrimEnd());
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The peer will say nothing more (its process exited, its task ended).</summary>
    protected void End()
    {
        lock (_gate)
        {
            _ended = true;
            _changed.TrySetResult();
        }
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>Lowercase hex, as the peers print digests and ping payloads.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The payload every peer that can send a Ping puts in it.</summary>
    public static readonly string PingPayloadHex = Hex(Encoding.ASCII.GetBytes("relay-interop-ping"));
}
