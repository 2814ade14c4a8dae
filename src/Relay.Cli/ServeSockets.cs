using System.Net.Sockets;

namespace Relay.Cli;

/// <summary>The listening sockets `relay serve` bound before the host started, handed to <see cref="ServeService"/>.</summary>
internal sealed record ServeSockets(IReadOnlyList<(Socket Socket, bool Secure)> Sockets);
