using System;

namespace PersistStore
{
    /// <summary>
    /// What Remove-Checkpoint decided for one checkpoint: Keep (and every rule that keeps it) or Remove, and whether
    /// it was removed (false under -WhatIf, or when the answer to -Confirm was no).
    /// </summary>
    public sealed class CheckpointRemoval
    {
        public string RunName { get; set; } = "";
        public Guid RunId { get; set; }
        public int Number { get; set; }
        public DateTime CreatedAt { get; set; }
        public string Kind { get; set; } = "";
        public string? Message { get; set; }
        public string[] Tags { get; set; } = Array.Empty<string>();
        /// <summary>Keep or Remove.</summary>
        public string Action { get; set; } = "";
        /// <summary>The rules that keep it: newest, KeepLast, KeepDaily, KeepDaily (oldest), KeepWithin ..., KeepTag '...'.</summary>
        public string[] Reasons { get; set; } = Array.Empty<string>();
        public bool Removed { get; set; }
        public string Store { get; set; } = "";

        public override string ToString() => $"{RunName}#{Number} {Action}";
    }
}
