using System;

namespace PersistStore.Engine.Model
{
    /// <summary>One change-log entry. Hash covers every other field and PreviousHash, which chains the log.</summary>
    public sealed record HistoryRecord
    {
        public long Id { get; set; }
        public DateTime Time { get; set; }
        public string User { get; set; } = "";
        public string Host { get; set; } = "";
        public int ProcessId { get; set; }
        public string Operation { get; set; } = "";
        public Guid? RunId { get; set; }
        public string? RunName { get; set; }
        public string Details { get; set; } = "";
        public string PreviousHash { get; set; } = "";
        public string Hash { get; set; } = "";
    }

    /// <summary>What a mutation asks the change log to record; the backend assigns id, time and chain.</summary>
    public sealed record HistoryDraft(string Operation, Guid? RunId, string? RunName, string Details);

    /// <summary>Operation names written to the change log (stable: scripts filter on them).</summary>
    public static class Operations
    {
        public const string CreateStore = "CreateStore";
        public const string UpgradeStore = "UpgradeStore";
        public const string CreateRun = "CreateRun";
        public const string UpdateRun = "UpdateRun";
        public const string RemoveRun = "RemoveRun";
        public const string SetTags = "SetTags";
        public const string RemoveTags = "RemoveTags";
        public const string CreateCheckpoint = "CreateCheckpoint";
        public const string RevertRun = "RevertRun";
        /// <summary>Remove-Checkpoint: checkpoints removed by number or by a retention policy.</summary>
        public const string RemoveCheckpoints = "RemoveCheckpoints";
        /// <summary>Optimize-PersistStore: unreferenced listings and chunks deleted, packs deleted or repacked.</summary>
        public const string OptimizeStore = "OptimizeStore";
        /// <summary>Start-Migration: runs copied into this store from another, and verified (one entry per pass that copied anything).</summary>
        public const string MigrateStore = "MigrateStore";
        /// <summary>Repair-PersistStore: the chunk index rebuilt from the packs' own lists.</summary>
        public const string RepairStore = "RepairStore";
        /// <summary>Invoke-RunTransaction undoing a failed block's changes to the run's record.</summary>
        public const string RollbackRun = "RollbackRun";
        /// <summary>A stale lock (holder gone or lease expired) taken over by a waiting owner.</summary>
        public const string TakeOverLock = "TakeOverLock";
        /// <summary>Unlock-Run: a stale lock cleared, or a live one removed with -Force.</summary>
        public const string UnlockRun = "UnlockRun";

        public static readonly string[] All = { CreateStore, UpgradeStore, CreateRun, UpdateRun, RemoveRun, SetTags, RemoveTags, CreateCheckpoint, RevertRun, RemoveCheckpoints, OptimizeStore, RepairStore, RollbackRun, TakeOverLock, UnlockRun };
    }
}
