using System;
using System.Collections.Generic;
using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Model
{
    public static class CheckpointKinds
    {
        public const string Manual = "Manual";
        /// <summary>Taken by a revert before it changes anything, so the revert itself can be reverted.</summary>
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
    }

    public enum BlobKind : byte { Chunk = 0, Tree = 1 }
}
