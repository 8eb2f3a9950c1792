using System;

namespace PersistStore
{
    /// <summary>One problem Test-PersistStore found: what, how bad, which object, and what it affects.</summary>
    public sealed class StoreProblem
    {
        public string Store { get; set; } = "";
        /// <summary>PackMissing, PackDamaged, PackListMismatch, ChunkMissing, ChunkDamaged, ListingMissing, ListingDamaged,
        /// HistoryBroken, IndexDamaged (errors); UnusedPack, UnfinishedPack, Unreferenced (warnings).</summary>
        public string Kind { get; set; } = "";
        /// <summary>Error (some checkpoint cannot be restored in full, or the store's records are broken) or Warning (harmless).</summary>
        public string Severity { get; set; } = "";
        /// <summary>The pack, chunk, listing or history entry.</summary>
        public string Target { get; set; } = "";
        public string Message { get; set; } = "";
        /// <summary>"run#number" of each checkpoint that cannot be restored in full because of it.</summary>
        public string[] Checkpoints { get; set; } = Array.Empty<string>();
        /// <summary>"run#number:path" of the files or folders affected (the first 100).</summary>
        public string[] Files { get; set; } = Array.Empty<string>();
        public int FilesAffected { get; set; }

        public override string ToString() => $"{Severity} {Kind} {Target}";
    }

    /// <summary>What Test-PersistStore covered and found: the last object it writes.</summary>
    public sealed class StoreCheck
    {
        public string Store { get; set; } = "";
        /// <summary>True when no error was found (warnings allowed).</summary>
        public bool Passed { get; set; }
        public int Errors { get; set; }
        public int Warnings { get; set; }
        public int Runs { get; set; }
        public int Checkpoints { get; set; }
        public int CheckpointsAffected { get; set; }
        public int Listings { get; set; }
        public int Chunks { get; set; }
        public int Packs { get; set; }
        public long HistoryEntries { get; set; }
        public int PacksRead { get; set; }
        public long BytesRead { get; set; }
        public double ReadMBPerSecond { get; set; }
        public TimeSpan Duration { get; set; }
        public string[] Phases { get; set; } = Array.Empty<string>();

        public override string ToString() => $"{Store}: {Errors} errors, {Warnings} warnings";
    }

    /// <summary>What Repair-PersistStore did, or under -WhatIf would do.</summary>
    public sealed class RepairReport
    {
        public string Store { get; set; } = "";
        public bool WhatIf { get; set; }
        public int PacksScanned { get; set; }
        public string[] UnreadablePacks { get; set; } = Array.Empty<string>();
        public int PacksAdded { get; set; }
        public int ChunksAdded { get; set; }
        public int ChunksMoved { get; set; }
        public int ChunksLost { get; set; }
        public int IndexEntriesDeleted { get; set; }
        public int PackFilesDeleted { get; set; }
        /// <summary>"run#number" of the checkpoints that still cannot be restored in full.</summary>
        public string[] UnrestorableCheckpoints { get; set; } = Array.Empty<string>();
        public StoreProblem[] Remaining { get; set; } = Array.Empty<StoreProblem>();

        public override string ToString() => $"{Store}: {ChunksMoved} moved, {ChunksLost} lost";
    }
}
