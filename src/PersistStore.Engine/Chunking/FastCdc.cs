using System;

namespace PersistStore.Engine.Chunking
{
    /// <summary>
    /// FastCDC content-defined chunking (Xia et al., 2016/2020) with normalized chunking: a cut point depends only on
    /// the 64 bytes before it, so inserting bytes in the middle of a file moves the cut points near the insertion
    /// and leaves the chunks around them unchanged. The gear table and sizes are part of the store format: changing
    /// them changes every chunk id (dedup against older checkpoints would be lost, nothing would break).
    /// </summary>
    public sealed class FastCdc
    {
        public const int DefaultMin = 64 * 1024;
        public const int DefaultAverage = 256 * 1024;
        public const int DefaultMax = 1024 * 1024;

        private static readonly ulong[] Gear = BuildGear();
        private readonly ulong _maskSmall;
        private readonly ulong _maskLarge;

        public FastCdc(int min = DefaultMin, int average = DefaultAverage, int max = DefaultMax)
        {
            if (min < 64 || average <= min || max <= average || (average & (average - 1)) != 0)
                throw new ArgumentException("Chunk sizes need 64 <= min < average < max and a power-of-two average.");
            Min = min;
            Average = average;
            Max = max;
            int bits = Log2(average);
            // Normalized chunking (level 2): harder to cut before the average, easier after it, which narrows the
            // size distribution around the average. High bits of the gear hash see the most bytes.
            _maskSmall = TopBits(bits + 2);
            _maskLarge = TopBits(bits - 2);
        }

        public int Min { get; }
        public int Average { get; }
        public int Max { get; }

        /// <summary>Length of the chunk that starts at data[0]; data.Length when no cut is found before the end.</summary>
        public int Cut(ReadOnlySpan<byte> data)
        {
            int n = data.Length;
            if (n <= Min) return n;
            if (n > Max) n = Max;
            int normal = Math.Min(Average, n);
            ulong hash = 0;
            int i = Min;
            for (; i < normal; i++)
            {
                hash = (hash << 1) + Gear[data[i]];
                if ((hash & _maskSmall) == 0) return i + 1;
            }
            for (; i < n; i++)
            {
                hash = (hash << 1) + Gear[data[i]];
                if ((hash & _maskLarge) == 0) return i + 1;
            }
            return n;
        }

        private static ulong TopBits(int count) => count >= 64 ? ulong.MaxValue : ~(ulong.MaxValue >> count);

        private static int Log2(int value)
        {
            int log = 0;
            while ((1 << log) < value) log++;
            return log;
        }

        /// <summary>SplitMix64 from a fixed seed: the same table on every machine, forever.</summary>
        private static ulong[] BuildGear()
        {
            var table = new ulong[256];
            ulong state = 0x5053_5452_4344_4301UL;
            for (int i = 0; i < table.Length; i++)
            {
                ulong z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                table[i] = z ^ (z >> 31);
            }
            return table;
        }
    }
}
