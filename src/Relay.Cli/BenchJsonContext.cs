using System.Text.Json.Serialization;
using Relay.Load;

namespace Relay.Cli;

/// <summary>Source-generated JSON for <c>relay bench --json</c>: Native AOT needs no reflection to write it.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(PercentilesJsonConverter)])]
[JsonSerializable(typeof(LoadResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
