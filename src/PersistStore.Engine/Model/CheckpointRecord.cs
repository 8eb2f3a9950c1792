using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Model
{
    public static class CheckpointKinds
    {
        public const string Manual = "Manual";
        /// <summary>Taken automatically so nothing is lost: by a revert before it changes anything (so the revert can
        /// be reverted), and by Invoke-RunTransaction at its start (what a failed block is rolled back to).</summary>
        public const string Safety = "Safety";
    }

    /// <summary>An immutable snapshot of a run: its tree, tags and properties, with statistics.</summary>
    public sealed record CheckpointRecord
    {
        public Guid RunId { get; set; }
        public string RunName { get; set; } = "";
        public int Number { get; set; }
        public string Kind { get; set; } = CheckpointKinds.Manual;
        public string? Message { get; set; }
        public DateTime CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public int? Parent { get; set; }
        public BlobId RootTree { get; set; }
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
        public IReadOnlyDictionary<string, object> Properties { get; set; } = new Dictionary<string, object>();
        public long Files { get; set; }
        public long Directories { get; set; }
        public long LogicalBytes { get; set; }
        public long NewBytes { get; set; }
        public TimeSpan Duration { get; set; }

        /// <summary>Whether the run's tags and properties are what this checkpoint recorded.</summary>
        public bool SameLabelsAs(RunRecord run) =>
            Tags.SequenceEqual(run.Tags, StringComparer.Ordinal)
            && Properties.Count == run.Properties.Count
            && Properties.All(kv => run.Properties.TryGetValue(kv.Key, out var value) && Equals(kv.Value, value));
    }

    public enum BlobKind : byte { Chunk = 0, Tree = 1 }

    /// <summary>
    /// Why a blob is marked: writers treat a marked blob as absent (they store its content again, which clears the
    /// mark), so a checkpoint taken after the mark never depends on it.
    /// </summary>
    public enum BlobMark : byte
    {
        /// <summary>No checkpoint referenced it when Optimize-PersistStore looked; deleted once the writers that
        /// started before the mark have finished, unless one of them referenced it.</summary>
        Unreferenced = 1,
        /// <summary>A read found its bytes damaged or its pack missing.</summary>
        Damaged = 2,
    }
}
