namespace Relay.Fuzz;

/// <summary>Where to cut an input into the pieces a socket might deliver, derived from the input itself so a crash replays.</summary>
internal static class Cuts
{
    /// <summary>Chunk sizes (some 0, mostly small, now and then large) that add up to at least <paramref name="length"/>.</summary>
    public static List<int> For(int seed, int length)
    {
        var sizes = new List<int>();
        // xorshift32 never leaves 0, so the state must not start there (a fuzzer found the seed and length that did).
        var state = ((uint)(seed * 2654435761u) ^ (uint)length ^ 0x9E3779B9u) | 1;
        var total = 0;
        while (total < length)
        {
            // xorshift32: cheap, deterministic, good enough to vary the cut points.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var size = (state & 7) == 0 ? (int)(state >> 8) % 4096 : (int)(state >> 8) % 17;
            sizes.Add(size);
            total += size;
        }

        return sizes;
    }
}
