using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// Resolves the published relay binary once per test class. When it is missing the fixture throws the
/// <see cref="RelayBinary.Path"/> message (run ./build.sh), so every test of the class fails saying so: never a skip.
/// </summary>
public sealed class RelayBinaryFixture
{
    public RelayBinaryFixture() => Path = RelayBinary.Path;

    public string Path { get; }
}
