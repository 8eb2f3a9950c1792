using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Migration
{
    /// <summary>What Start-Migration does with a run whose name the destination already gives another run (or a run
    /// the destination has changed since it was migrated).</summary>
    public enum ConflictAction { Fail, Skip, Rename }

    public sealed record MigrationOptions
    {
        /// <summary>Run names or wildcards; empty means every run.</summary>
        public IReadOnlyList<string> Runs { get; set; } = Array.Empty<string>();
        /// <summary>Only runs carrying all of these tags.</summary>
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
        public ConflictAction OnConflict { get; set; } = ConflictAction.Fail;
        /// <summary>Plan and report what would be copied; change nothing.</summary>
        public bool PlanOnly { get; set; }
    }

    /// <summary>What a migration copied (or, planned, would copy) and what it verified.</summary>
    public sealed record MigrationResult
    {
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public bool PlanOnly { get; set; }
        /// <summary>Runs the filter selected, and of them: new in the destination, brought up to date, already equal, skipped as conflicts.</summary>
        public int RunsSelected { get; set; }
        public int RunsCreated { get; set; }
        public int RunsUpdated { get; set; }
        public int RunsUnchanged { get; set; }
        public List<string> RunsSkipped { get; } = new List<string>();
        /// <summary>Source name -> destination name, for runs renamed under -OnConflict Rename.</summary>
        public Dictionary<string, string> RunsRenamed { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public int CheckpointsCopied { get; set; }
        public int CheckpointsRemoved { get; set; }
        public long ChunksCopied { get; set; }
        public long ListingsCopied { get; set; }
        /// <summary>Encoded bytes of the chunks and listings copied (what the destination stores anew).</summary>
        public long BytesCopied { get; set; }
        public int HistoryEntriesCopied { get; set; }
        public int LocksCopied { get; set; }
        /// <summary>What the verification compared, layer by layer, in both stores (0 for a plan).</summary>
        public int RunsVerified { get; set; }
        public int CheckpointsVerified { get; set; }
        public long FilesVerified { get; set; }
        public long BytesVerified { get; set; }
        public long ChunksVerified { get; set; }
        public int HistoryEntriesVerified { get; set; }
        public bool Verified { get; set; }
        public bool NothingToCopy => RunsCreated + RunsUpdated + CheckpointsCopied + CheckpointsRemoved + HistoryEntriesCopied + LocksCopied == 0 && ChunksCopied + ListingsCopied == 0;
        public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; set; } = Array.Empty<(string, TimeSpan)>();
        public TimeSpan Duration { get; set; }
    }
}
