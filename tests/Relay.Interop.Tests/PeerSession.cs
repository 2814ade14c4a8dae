using System.Net.WebSockets;

namespace Relay.Interop.Tests;

/// <summary>What the in-test WebSocket server saw of one session.</summary>
/// <param name="TargetHostName">The SNI name the client sent (TLS only; null on plain TCP).</param>
/// <param name="RequestPath">The path of the upgrade request.</param>
/// <param name="BytesReceived">Payload bytes received before the client's Close.</param>
/// <param name="CloseStatus">The close code the client sent (or echoed).</param>
/// <param name="Sha256">SHA-256 of every payload byte received.</param>
public sealed record PeerSession(string? TargetHostName, string RequestPath, long BytesReceived, WebSocketCloseStatus? CloseStatus, byte[] Sha256);
