using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>What Optimize-PersistStore found and did (or, planned only, would do).</summary>
    public sealed record OptimizeResult
    {
        public bool PlanOnly { get; set; }
        /// <summary>Blobs no checkpoint referenced when the pass looked, and their stored bytes.</summary>
        public int UnreferencedListings { get; set; }
        public int UnreferencedChunks { get; set; }
        public long UnreferencedBytes { get; set; }
        /// <summary>Of those, what a checkpoint committed during the pass turned out to need: kept.</summary>
        public int Rescued { get; set; }
        public int ListingsDeleted { get; set; }
        public int ChunksDeleted { get; set; }
        /// <summary>Packs deleted because nothing in them is used any more (planned: would be).</summary>
        public int PacksDeleted { get; set; }
        /// <summary>Packs whose used chunks were copied into new packs, and the new packs written.</summary>
        public int PacksRepacked { get; set; }
        public int PacksWritten { get; set; }
        /// <summary>Packs and unfinished uploads left by killed writers (no index entry names them), deleted.</summary>
        public int LeftoversDeleted { get; set; }
        /// <summary>Bytes of pack files and listing rows given back, net of the new packs written.</summary>
        public long BytesFreed { get; set; }
        /// <summary>Chunks found damaged while repacking: marked, so the next checkpoint that meets their content stores it again.</summary>
        public IReadOnlyList<string> DamagedChunks { get; set; } = Array.Empty<string>();
        /// <summary>Why the deletions were put off to the next pass (a writer that began before the pass still ran); null when done.</summary>
        public string? Deferred { get; set; }
        public TimeSpan WaitedForWriters { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>Each phase's time, in order: mark, condemn, wait, sweep, repack.</summary>
        public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; set; } = Array.Empty<(string, TimeSpan)>();
    }

    public sealed record OptimizeOptions
    {
        /// <summary>Repack a pack when more than this share of it (percent) is unused; restic's default is 5.</summary>
        public double MaxUnusedPercent { get; set; } = 5;
        /// <summary>How long to wait for commands that were already writing when the pass began.</summary>
        public TimeSpan WriterTimeout { get; set; } = TimeSpan.FromMinutes(10);
        public bool PlanOnly { get; set; }
    }
}
