using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;

namespace Relay.Benchmarks;

/// <summary>
/// The configuration of a full run: BenchmarkDotNet's defaults (whose exporters already include GitHub-flavoured
/// markdown, CSV and HTML) plus full JSON, written under the repository's artifacts/bench (ignored by git) wherever
/// the program is started from.
/// </summary>
internal static class RelayBenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddExporter(JsonExporter.Full)
        .WithArtifactsPath(ArtifactsPath());

    /// <summary>repo-root/artifacts/bench, found by walking up to Relay.sln; the working directory otherwise.</summary>
    public static string ArtifactsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.sln")))
            {
                return Path.Combine(dir.FullName, "artifacts", "bench");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "artifacts", "bench");
    }
}
