using System;

namespace PersistStore
{
    /// <summary>What Optimize-PersistStore did, or under -WhatIf would do.</summary>
    public sealed class OptimizeReport
    {
        public string Store { get; set; } = "";
        /// <summary>True under -WhatIf: the counts are the plan, and nothing was changed.</summary>
        public bool WhatIf { get; set; }
        public int UnreferencedListings { get; set; }
        public int UnreferencedChunks { get; set; }
        public long UnreferencedBytes { get; set; }
        /// <summary>Candidates a checkpoint committed during the pass turned out to need: kept.</summary>
        public int Rescued { get; set; }
        public int ListingsDeleted { get; set; }
        public int ChunksDeleted { get; set; }
        public int PacksDeleted { get; set; }
        public int PacksRepacked { get; set; }
        public int PacksWritten { get; set; }
        public int LeftoversDeleted { get; set; }
        public long BytesFreed { get; set; }
        public string[] DamagedChunks { get; set; } = Array.Empty<string>();
        /// <summary>Why deletions were put off to the next pass; empty when the pass completed.</summary>
        public string? Deferred { get; set; }
        public TimeSpan WaitedForWriters { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>Each phase and its time: mark, condemn, wait, sweep, repack.</summary>
        public string[] Phases { get; set; } = Array.Empty<string>();

        public override string ToString() => $"{Store}: {BytesFreed} bytes freed";
    }
}
