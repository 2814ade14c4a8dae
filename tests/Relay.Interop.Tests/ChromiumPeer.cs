using System.Diagnostics;
using System.Net;
using System.Text;

namespace Relay.Interop.Tests;

/// <summary>
/// Headless Chromium as a WebSocket client: the test serves peers/chromium-peer.html on 127.0.0.1 with an
/// <see cref="HttpListener"/>, Chromium opens it (its own profile directory, <c>--no-sandbox</c> as root needs) and
/// the page POSTs each observation line to <c>/report</c>. No DevTools protocol and no virtual time: the page runs in
/// real time for as long as the relay needs, and disposal kills Chromium's process tree by its PID.
/// </summary>
public sealed class ChromiumPeer : InteropPeer
{
    private readonly HttpListener _http = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly string _profile;
    private readonly StringBuilder _stderr = new();
    private readonly byte[] _page;
    private Process? _chromium;

    private ChromiumPeer()
        : base(Peers.Chromium)
    {
        _page = File.ReadAllBytes(Path.Combine(PeerFiles.Directory, "chromium-peer.html"));
        _profile = Directory.CreateTempSubdirectory("relay-chromium-").FullName;
        HttpPort = Relay.Testing.Loopback.FreePort();
        _http.Prefixes.Add($"http://127.0.0.1:{HttpPort}/");
        _http.Start();
        _serving = ServeAsync();
    }

    private int HttpPort { get; }

    public override string Transcript
    {
        get
        {
            string stderr;
            lock (_stderr)
            {
                // Chromium's stderr is mostly D-Bus noise: the last lines are the ones that can matter.
                stderr = string.Join('\n', _stderr.ToString().Split('\n').TakeLast(15));
            }

            return $"{base.Transcript}\nchromium stderr (tail):\n{stderr}";
        }
    }

    /// <summary>Starts Chromium on the page with the WebSocket URL, mode and argument.</summary>
    public static async Task<ChromiumPeer> StartClientAsync(string webSocketUrl, string mode, string? argument)
    {
        var chromiumPath = PeerFiles.Tool("chromium", "/usr/bin/chromium", "chromium");
        var peer = new ChromiumPeer();
        try
        {
            var query = $"ws={Uri.EscapeDataString(webSocketUrl)}&mode={mode}&arg={Uri.EscapeDataString(argument ?? string.Empty)}";
            var info = new ProcessStartInfo(chromiumPath)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argumentText in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-dev-shm-usage",
                $"--user-data-dir={peer._profile}",
                $"http://127.0.0.1:{peer.HttpPort}/peer.html?{query}",
            })
            {
                info.ArgumentList.Add(argumentText);
            }

            var chromium = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start");
            peer._chromium = chromium;
            chromium.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (peer._stderr)
                    {
                        peer._stderr.AppendLine(e.Data);
                    }
                }
            };
            chromium.OutputDataReceived += (_, _) => { };
            chromium.EnableRaisingEvents = true;
            chromium.Exited += (_, _) => peer.End();
            chromium.BeginErrorReadLine();
            chromium.BeginOutputReadLine();
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var response = context.Response;
            try
            {
                switch (context.Request.HttpMethod, context.Request.Url?.AbsolutePath)
                {
                    case ("GET", "/peer.html"):
                        response.ContentType = "text/html; charset=utf-8";
                        response.ContentLength64 = _page.Length;
                        await response.OutputStream.WriteAsync(_page, _stop.Token);
                        break;
                    case ("POST", "/report"):
                        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                        {
                            Report(await reader.ReadToEndAsync(_stop.Token));
                        }

                        response.StatusCode = 204;
                        break;
                    default:
                        response.StatusCode = 404; // favicon.ico and anything else
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpListenerException or OperationCanceledException)
            {
                // Chromium went away mid-request: nothing to report.
            }
            finally
            {
                response.Close();
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_chromium is { } chromium)
        {
            try
            {
                if (!chromium.HasExited)
                {
                    chromium.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }

            await chromium.WaitForExitAsync();
            chromium.Dispose();
        }

        await _stop.CancelAsync();
        _http.Close();
        await _serving;
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A file a late Chromium child still held: a temp directory is left behind, nothing else.
        }
    }
}
