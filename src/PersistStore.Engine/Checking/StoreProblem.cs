using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Checking
{
    /// <summary>
    /// One thing wrong with a store: what (Kind), how bad (Error: some checkpoint cannot be restored in full, or the
    /// store's own records are broken; Warning: harmless, e.g. leftovers Optimize-PersistStore reclaims), which object
    /// (Target), and which checkpoints and files it affects.
    /// </summary>
    public sealed class StoreProblem
    {
        public StoreProblem(string kind, ProblemSeverity severity, string target, string message)
        {
            Kind = kind;
            Severity = severity;
            Target = target;
            Message = message;
        }

        public string Kind { get; }
        public ProblemSeverity Severity { get; }
        public string Target { get; }
        public string Message { get; }
        /// <summary>Chunks or listings this problem makes unreadable: their checkpoints and files are found from them.</summary>
        public List<Compression.BlobId> Blobs { get; } = new List<Compression.BlobId>();
        /// <summary>"run#number" of every checkpoint that cannot be restored in full because of it.</summary>
        public List<string> Checkpoints { get; } = new List<string>();
        /// <summary>"run#number:path" of the files (or folders, for a listing) affected; at most MaxFiles.</summary>
        public List<string> Files { get; } = new List<string>();
        public int FilesAffected { get; set; }

        public const int MaxFiles = 100;
    }

    public enum ProblemSeverity { Warning, Error }

    /// <summary>The kinds of problem Test-PersistStore reports (each also the ErrorId of its error record).</summary>
    public static class ProblemKinds
    {
        public const string IndexDamaged = "IndexDamaged";
        public const string HistoryBroken = "HistoryBroken";
        public const string PackMissing = "PackMissing";
        public const string PackDamaged = "PackDamaged";
        public const string PackListMismatch = "PackListMismatch";
        public const string ListingMissing = "ListingMissing";
        public const string ListingDamaged = "ListingDamaged";
        public const string ChunkMissing = "ChunkMissing";
        public const string ChunkDamaged = "ChunkDamaged";
        public const string UnusedPack = "UnusedPack";
        public const string UnfinishedPack = "UnfinishedPack";
        public const string Unreferenced = "Unreferenced";
    }

    public sealed record CheckOptions
    {
        /// <summary>Percent of the packs (chosen at random) whose chunks are read, decoded and re-hashed: 0 checks
        /// structure and references only, 100 is -ReadData.</summary>
        public double ReadDataPercent { get; set; }
        /// <summary>Mark damaged chunks and listings so writers store their content again (off for read-only stores).</summary>
        public bool MarkDamaged { get; set; } = true;
    }

    /// <summary>What a check covered, and what it found.</summary>
    public sealed record CheckSummary
    {
        public int Errors { get; set; }
        public int Warnings { get; set; }
        public int Runs { get; set; }
        public int Checkpoints { get; set; }
        public int Listings { get; set; }
        public int Chunks { get; set; }
        public int Packs { get; set; }
        public long HistoryEntries { get; set; }
        public int PacksRead { get; set; }
        public long BytesRead { get; set; }
        public int CheckpointsAffected { get; set; }
        public TimeSpan Duration { get; set; }
        public TimeSpan ReadDuration { get; set; }
        public double ReadMBPerSecond => ReadDuration.TotalSeconds > 0 ? BytesRead / 1048576.0 / ReadDuration.TotalSeconds : 0;
        public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; set; } = Array.Empty<(string, TimeSpan)>();
    }
}
