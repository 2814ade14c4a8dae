using System.Diagnostics;

namespace Relay.Soak.Monitoring;

/// <summary>
/// Watches relay processes from outside while the soak runs: every interval it reads each relay's RSS, descriptors and
/// threads from /proc and its relay_sessions_active gauge from the metrics endpoint, and records the harness's
/// throughput and open sessions from the callbacks. A relay that exits is recorded (<see cref="Exited"/>), never thrown.
/// After the load stops, <see cref="SettleAndJudgeAsync"/> waits for the relays to settle and returns the leak verdict.
/// </summary>
public sealed class SoakMonitor : IAsyncDisposable
{
    public const string ActiveSessionsGauge = "relay_sessions_active";
    private const int MaxEvents = 200;
    private static readonly TimeSpan s_settlePoll = TimeSpan.FromMilliseconds(500);

    private readonly IReadOnlyList<MonitoredRelay> _relays;
    private readonly TimeSpan _interval;
    private readonly Func<long> _bytesRelayed;
    private readonly Func<long> _sessionsOpen;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Stopwatch _clock = new();
    private readonly SemaphoreSlim _sampling = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<RelaySample> _relaySamples = [];
    private readonly List<ThroughputSample> _throughput = [];
    private readonly List<string> _events = [];
    private readonly Dictionary<string, RelaySample> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RelaySample> _baseline = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _exited = new(StringComparer.Ordinal);
    private readonly List<(int Rounds, TaskCompletionSource Done)> _waiters = [];
    private Task? _loop;
    private TimeSpan? _baselineAt;
    private TimeSpan? _loadEndedAt;
    private long _lastBytes;
    private TimeSpan _lastThroughputAt;
    private bool _throughputSampled;
    private int _rounds;
    private int _disposed;

    public SoakMonitor(IReadOnlyList<MonitoredRelay> relays, TimeSpan interval, Func<long> bytesRelayed, Func<long> sessionsOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _relays = relays;
        _interval = interval;
        _bytesRelayed = bytesRelayed;
        _sessionsOpen = sessionsOpen;
        LoadAverageAtStart = MachineFacts.LoadAverage();
        _clock.Start();
    }

    /// <summary>The 1, 5 and 15 minute load averages when the monitor was created, and again when <see cref="Start"/> ran.</summary>
    public IReadOnlyList<double> LoadAverageAtStart { get; private set; }

    /// <summary>When <see cref="MarkBaseline"/> ran, since the start.</summary>
    public TimeSpan? BaselineAt { get { lock (_lock) { return _baselineAt; } } }

    /// <summary>When <see cref="SettleAndJudgeAsync"/> began, that is when the load stopped, since the start.</summary>
    public TimeSpan? LoadEndedAt { get { lock (_lock) { return _loadEndedAt; } } }

    /// <summary>Relays found gone, and when.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Exited { get { lock (_lock) { return new Dictionary<string, TimeSpan>(_exited); } } }

    /// <summary>What went wrong while sampling (exits, failed scrapes), with the time; the first 200.</summary>
    public IReadOnlyList<string> Events { get { lock (_lock) { return [.. _events]; } } }

    public IReadOnlyList<RelaySample> RelaySamples { get { lock (_lock) { return [.. _relaySamples]; } } }

    public IReadOnlyList<ThroughputSample> Throughput { get { lock (_lock) { return [.. _throughput]; } } }

    public IReadOnlyList<MonitoredRelay> Relays => _relays;

    /// <summary>Takes the first sample at once, then one every interval until disposed.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The monitor has already started.");
        }

        LoadAverageAtStart = MachineFacts.LoadAverage();
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Marks each relay's latest sample (or, if it has none yet, its next one) as the baseline of the leak verdict.</summary>
    public void MarkBaseline()
    {
        lock (_lock)
        {
            _baselineAt = _clock.Elapsed;
            _baseline.Clear();
            foreach (var (relay, sample) in _latest)
            {
                _baseline[relay] = sample;
            }
        }
    }

    public RelaySample? Latest(string relay)
    {
        lock (_lock)
        {
            return _latest.GetValueOrDefault(relay);
        }
    }

    /// <summary>
    /// Call after the load stopped: samples every 500 ms, for at most <paramref name="settleBound"/>, until every relay
    /// with metrics reports 0 active sessions and every relay's descriptors are within their bound; then judges.
    /// </summary>
    public async Task<LeakVerdict> SettleAndJudgeAsync(TimeSpan settleBound, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _loadEndedAt = _clock.Elapsed;
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await SampleAsync(cancellationToken);
            if (Settled() || deadline.Elapsed >= settleBound)
            {
                break;
            }

            await Task.Delay(s_settlePoll, cancellationToken);
        }

        return Judge();
    }

    /// <summary>Takes one sample of every relay and of the throughput now (the timer does this every interval).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await _sampling.WaitAsync(cancellationToken);
        try
        {
            foreach (var relay in _relays)
            {
                await SampleRelayAsync(relay, cancellationToken);
            }

            SampleThroughput();
            lock (_lock)
            {
                _rounds++;
                foreach (var waiter in _waiters.Where(w => w.Rounds <= _rounds).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }
        finally
        {
            _sampling.Release();
        }
    }

    /// <summary>Completes once <paramref name="rounds"/> sampling rounds (timer, settle or <see cref="SampleAsync"/>) have finished.</summary>
    public Task WhenSampledAsync(int rounds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rounds >= rounds)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((rounds, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _sampling.Dispose();
        _http.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            do
            {
                try
                {
                    await SampleAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A throwing callback must not end the monitoring of a run that lasts hours.
                    lock (_lock)
                    {
                        Note($"sampling failed: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SampleRelayAsync(MonitoredRelay relay, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_exited.ContainsKey(relay.Name))
            {
                return;
            }
        }

        // Scrape first, then read /proc: the descriptor count then always includes the scrape's keep-alive connection,
        // instead of missing it in the very first sample and counting it in every later one.
        long? active = null;
        if (relay.MetricsBase is not null && ProcessProbe.TryRead(relay.Pid) is not null)
        {
            active = await ScrapeActiveSessionsAsync(relay, cancellationToken);
        }

        var reading = ProcessProbe.TryRead(relay.Pid);
        if (reading is null)
        {
            lock (_lock)
            {
                _exited[relay.Name] = _clock.Elapsed;
                Note($"{relay.Name} (pid {relay.Pid}) has exited");
            }

            return;
        }

        var sample = new RelaySample(relay.Name, _clock.Elapsed, reading.Value.RssKib, reading.Value.Fds, reading.Value.Threads, active);
        lock (_lock)
        {
            _relaySamples.Add(sample);
            _latest[relay.Name] = sample;
            if (_baselineAt is not null)
            {
                _baseline.TryAdd(relay.Name, sample);
            }
        }
    }

    private async Task<long?> ScrapeActiveSessionsAsync(MonitoredRelay relay, CancellationToken cancellationToken)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri(relay.MetricsBase!, "metrics"), cancellationToken);
            var sum = PrometheusGauge.Sum(text, ActiveSessionsGauge);
            if (sum is null)
            {
                lock (_lock)
                {
                    Note($"{relay.Name}: {ActiveSessionsGauge} is missing from {relay.MetricsBase}metrics");
                }
            }

            return sum is null ? null : (long)Math.Round(sum.Value);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // HttpClient's 2 s timeout surfaces as TaskCanceledException.
            lock (_lock)
            {
                Note($"{relay.Name}: scrape of {relay.MetricsBase}metrics failed: {ex.Message}");
            }

            return null;
        }
    }

    private void SampleThroughput()
    {
        var now = _clock.Elapsed;
        var bytes = _bytesRelayed();
        var seconds = (now - _lastThroughputAt).TotalSeconds;
        var rate = _throughputSampled && seconds > 0 ? (bytes - _lastBytes) / seconds / 1e6 : 0;
        _throughputSampled = true;
        _lastBytes = bytes;
        _lastThroughputAt = now;
        var sample = new ThroughputSample(now, Math.Max(rate, 0), _sessionsOpen());
        lock (_lock)
        {
            _throughput.Add(sample);
        }
    }

    private bool Settled()
    {
        lock (_lock)
        {
            foreach (var relay in _relays)
            {
                if (_exited.ContainsKey(relay.Name) || !_latest.TryGetValue(relay.Name, out var latest))
                {
                    continue; // nothing will change: the verdict reports it
                }

                if (relay.MetricsBase is not null && latest.ActiveSessions != 0)
                {
                    return false;
                }

                var baseline = _baseline.GetValueOrDefault(relay.Name) ?? _relaySamples.First(sample => sample.Relay == relay.Name);
                if (latest.Fds > baseline.Fds + LeakBounds.ExtraDescriptors)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private LeakVerdict Judge()
    {
        lock (_lock)
        {
            var checks = new List<LeakCheck>();
            foreach (var relay in _relays)
            {
                var samples = _relaySamples.Where(sample => sample.Relay == relay.Name).ToList();
                checks.AddRange(LeakJudge.JudgeRelay(
                    relay,
                    _baseline.GetValueOrDefault(relay.Name),
                    _latest.GetValueOrDefault(relay.Name),
                    samples,
                    _loadEndedAt ?? _clock.Elapsed,
                    _exited.TryGetValue(relay.Name, out var exitedAt) ? exitedAt : null));
            }

            return LeakJudge.Verdict(checks);
        }
    }

    private void Note(string message)
    {
        if (_events.Count < MaxEvents)
        {
            _events.Add($"{_clock.Elapsed:hh\\:mm\\:ss} {message}");
        }
    }
}
