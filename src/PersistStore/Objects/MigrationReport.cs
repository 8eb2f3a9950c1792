using System;

namespace PersistStore
{
    /// <summary>What Start-Migration copied and verified, or under -WhatIf would copy.</summary>
    public sealed class MigrationReport
    {
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        /// <summary>True under -WhatIf: the counts are the plan, and nothing was changed.</summary>
        public bool WhatIf { get; set; }
        public int RunsSelected { get; set; }
        public int RunsCreated { get; set; }
        public int RunsUpdated { get; set; }
        public int RunsUnchanged { get; set; }
        public string[] RunsSkipped { get; set; } = Array.Empty<string>();
        /// <summary>"source name -> destination name" for each run renamed under -OnConflict Rename.</summary>
        public string[] RunsRenamed { get; set; } = Array.Empty<string>();
        public int CheckpointsCopied { get; set; }
        public int CheckpointsRemoved { get; set; }
        public long ChunksCopied { get; set; }
        public long ListingsCopied { get; set; }
        public long BytesCopied { get; set; }
        public int HistoryEntriesCopied { get; set; }
        public int LocksCopied { get; set; }
        /// <summary>True when this pass found the destination already up to date.</summary>
        public bool NothingToCopy { get; set; }
        /// <summary>True when every layer was compared in both stores and matched (never under -WhatIf).</summary>
        public bool Verified { get; set; }
        public int RunsVerified { get; set; }
        public int CheckpointsVerified { get; set; }
        public long FilesVerified { get; set; }
        public long BytesVerified { get; set; }
        public long ChunksVerified { get; set; }
        public int HistoryEntriesVerified { get; set; }
        public TimeSpan Duration { get; set; }
        /// <summary>Each phase and its time: plan, copy, verify, readback.</summary>
        public string[] Phases { get; set; } = Array.Empty<string>();

        public override string ToString() => WhatIf
            ? $"{Source} -> {Destination}: would copy {CheckpointsCopied} checkpoints, {ChunksCopied} chunks"
            : $"{Source} -> {Destination}: {CheckpointsCopied} checkpoints, {ChunksCopied} chunks, {BytesCopied} bytes copied; verified {Verified}";
    }
}
