using SharpFuzz;

namespace Relay.Fuzz;

/// <summary>
/// The AFL++ harness: one target per argument. Under afl-fuzz (with an instrumented Relay.Core.dll) it runs the
/// target on each input afl-fuzz hands it; with files or folders after the target it replays them on a normal build
/// and reports every input that breaks an invariant (docs/fuzzing.md).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !TryGetTarget(args[0], out var target))
        {
            Console.Error.WriteLine("usage: Relay.Fuzz frames|handshake [FILE|DIR...]   (no files: run under afl-fuzz)");
            return 2;
        }

        if (args.Length == 1)
        {
            // A broken invariant throws; SharpFuzz reports an escaping exception to afl-fuzz as a crash.
            Fuzzer.OutOfProcess.Run(stream => target(ReadAll(stream)));
            return 0;
        }

        return Replay(target, args.AsSpan(1));
    }

    private static bool TryGetTarget(string name, out Action<byte[]> target)
    {
        target = name switch
        {
            "frames" => FrameTarget.Run,
            "handshake" => HandshakeTarget.Run,
            _ => null!,
        };
        return target is not null;
    }

    private static int Replay(Action<byte[]> target, ReadOnlySpan<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path).Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failed++;
                Console.Error.WriteLine($"FAIL {file}: {ex}");
            }
        }

        Console.WriteLine($"replayed {files.Count} inputs: {files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static byte[] ReadAll(Stream stream)
    {
        // An exactly-sized array: a parser that reads past what it was given fails on the bounds check.
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
