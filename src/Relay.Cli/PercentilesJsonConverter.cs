using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Cli;

/// <summary>Writes <see cref="Relay.Load.LoadResult.Percentiles"/> as [{"percentile": 99, "micros": 41.2}, …]: a
/// tuple's element names do not exist at run time, so the default would be Item1/Item2 (or nothing at all).</summary>
internal sealed class PercentilesJsonConverter : JsonConverter<IReadOnlyList<(double Percentile, double Micros)>>
{
    public override IReadOnlyList<(double Percentile, double Micros)> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var list = new List<(double, double)>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of percentiles");
        }

        double percentile = 0, micros = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                percentile = micros = 0;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPercentile = reader.ValueTextEquals("percentile");
                reader.Read();
                if (isPercentile)
                {
                    percentile = reader.GetDouble();
                }
                else
                {
                    micros = reader.GetDouble();
                }
            }
            else if (reader.TokenType == JsonTokenType.EndObject)
            {
                list.Add((percentile, micros));
            }
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<(double Percentile, double Micros)> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var (percentile, micros) in value)
        {
            writer.WriteStartObject();
            writer.WriteNumber("percentile", percentile);
            writer.WriteNumber("micros", micros);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
