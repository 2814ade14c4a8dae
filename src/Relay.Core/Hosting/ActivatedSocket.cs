using System.Net.Sockets;

namespace Relay.Core.Hosting;

/// <summary>A listening socket handed over by systemd, with its name (FileDescriptorName= in the .socket unit).</summary>
public sealed record ActivatedSocket(Socket Socket, string Name);
