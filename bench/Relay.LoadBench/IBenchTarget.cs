namespace Relay.LoadBench;

/// <summary>The TCP target behind a relay under test: where it listens, and closing it.</summary>
public interface IBenchTarget : IAsyncDisposable
{
    int Port { get; }
}
