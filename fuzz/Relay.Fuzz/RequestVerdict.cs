using Relay.Core.Handshake;

namespace Relay.Fuzz;

/// <summary>What UpgradeRequestParser.TryParse said about some bytes, comparable across two readings.</summary>
internal readonly record struct RequestVerdict(bool Done, HandshakeFailure Failure, int Consumed, UpgradeRequest? Request)
{
    public bool Equals(RequestVerdict other) =>
        Done == other.Done && Failure == other.Failure && Consumed == other.Consumed
        && Request?.Path == other.Request?.Path && Request?.Key == other.Request?.Key;

    public override int GetHashCode() => HashCode.Combine(Done, Failure, Consumed, Request?.Path, Request?.Key);

    public override string ToString() => $"done={Done} failure={Failure} consumed={Consumed} path={Request?.Path} key={Request?.Key}";
}
