using System;
using System.Collections;

namespace PersistStore
{
    /// <summary>An immutable snapshot of a run: its directory, properties and tags, numbered 1, 2, 3... per run.</summary>
    public sealed class Checkpoint
    {
        public string RunName { get; set; } = "";
        public Guid RunId { get; set; }
        public int Number { get; set; }
        /// <summary>Manual, or Safety for the checkpoint a revert takes before it changes anything.</summary>
        public string Kind { get; set; } = "";
        public string? Message { get; set; }
        public DateTime CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public int? Parent { get; set; }
        public long Files { get; set; }
        public long Directories { get; set; }
        public long LogicalBytes { get; set; }
        public long NewBytes { get; set; }
        public TimeSpan Duration { get; set; }
        public string[] Tags { get; set; } = Array.Empty<string>();
        public Hashtable Properties { get; set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        public string Store { get; set; } = "";
        internal string? StoreValue { get; set; }

        public override string ToString() => $"{RunName}#{Number}";
    }

    /// <summary>One path that differs between two states of a run's directory ('/' separated, relative).</summary>
    public sealed class CheckpointChange
    {
        public string RunName { get; set; } = "";
        public string Path { get; set; } = "";
        /// <summary>Added (only in the difference), Removed (only in the reference) or Modified.</summary>
        public string Change { get; set; } = "";
        public string ItemType { get; set; } = "";
        public string Detail { get; set; } = "";

        public override string ToString() => $"{Change} {Path}";
    }

    /// <summary>What Invoke-RunRevert did.</summary>
    public sealed class RevertResult
    {
        public string RunName { get; set; } = "";
        public int Checkpoint { get; set; }
        /// <summary>The checkpoint of the state before the revert: revert to it to undo the revert.</summary>
        public int? SafetyCheckpoint { get; set; }
        public int ChangedPaths { get; set; }
        public CheckpointChange[] Changes { get; set; } = Array.Empty<CheckpointChange>();
        public bool TagsRestored { get; set; }
    }
}
