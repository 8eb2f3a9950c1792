using System;
using System.Collections;
using System.Linq;
using PersistStore.Engine.Model;
using PersistStore.Engine.Stores;
using PersistStore.Engine.Storage;

namespace PersistStore.Infrastructure
{
    /// <summary>Engine records to the PowerShell-facing objects (Hashtable properties, string[] tags).</summary>
    internal static class OutputObjects
    {
        public static Run ToRun(RunRecord r, StoreLocation store)
        {
            var properties = ToHashtable(r.Properties);
            return new Run
            {
                Id = r.Id, Name = r.Name, Description = r.Description, Path = r.Path, Properties = properties,
                Tags = r.Tags.ToArray(), CreatedAt = r.CreatedAt, CreatedBy = r.CreatedBy, ModifiedAt = r.ModifiedAt,
                ModifiedBy = r.ModifiedBy, Version = r.Version, Store = store.Display, StoreValue = store.Value,
            };
        }

        public static Checkpoint ToCheckpoint(CheckpointRecord c, StoreLocation store) => new Checkpoint
        {
            RunName = c.RunName, RunId = c.RunId, Number = c.Number, Kind = c.Kind, Message = c.Message, CreatedAt = c.CreatedAt,
            CreatedBy = c.CreatedBy, Parent = c.Parent, Files = c.Files, Directories = c.Directories, LogicalBytes = c.LogicalBytes,
            NewBytes = c.NewBytes, Duration = c.Duration, Tags = c.Tags.ToArray(), Properties = ToHashtable(c.Properties),
            Store = store.Display, StoreValue = store.Value,
        };

        public static CheckpointChange ToChange(string runName, Engine.Restore.PathChange c) => new CheckpointChange
        {
            RunName = runName, Path = c.Path, Change = c.Change.ToString(), ItemType = c.Kind.ToString(), Detail = c.Detail,
        };

        private static Hashtable ToHashtable(System.Collections.Generic.IReadOnlyDictionary<string, object> values)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in values) table[kv.Key] = kv.Value;
            return table;
        }

        public static HistoryEntry ToHistoryEntry(HistoryRecord h) => new HistoryEntry
        {
            Id = h.Id, Time = h.Time, User = h.User, Host = h.Host, ProcessId = h.ProcessId, Operation = h.Operation,
            RunId = h.RunId, RunName = h.RunName, Details = h.Details, Hash = h.Hash, PreviousHash = h.PreviousHash,
        };

        public static RunLock ToLock(Engine.Locking.RunLockState state, StoreLocation store, Engine.Locking.LockOwner me)
        {
            var l = state.Lock;
            return new RunLock
            {
                RunName = l.RunName, RunId = l.RunId, Owner = l.Owner, ProcessId = l.ProcessId, Host = l.Host, AcquiredAt = l.AcquiredAt,
                RenewedAt = l.RenewedAt, ExpiresAt = l.ExpiresAt, Lease = l.Lease, Reason = l.Reason, IsStale = state.IsStale,
                StaleReason = state.StaleReason, IsImplicit = l.IsImplicit, HeldByThisSession = l.IsHeldBy(me), LockId = l.LockId,
                Store = store.Display, StoreValue = store.Value,
            };
        }

        public static StoreInfo ToStoreInfo(StoreSummary s, ResolvedStore resolved) => new StoreInfo
        {
            Location = s.Location, Backend = s.Backend, FormatVersion = s.FormatVersion, StoreId = s.StoreId,
            Runs = s.Runs, Checkpoints = s.Checkpoints, Chunks = s.Chunks, LogicalBytes = s.LogicalBytes,
            StoredBytes = s.StoredBytes, Packs = s.Packs, PackBytes = s.PackBytes,
            UnreferencedChunks = s.UnreferencedChunks, UnreferencedBytes = s.UnreferencedBytes, DedupRatio = s.DedupRatio, HistoryEntries = s.HistoryEntries,
            DamagedBlobs = s.DamagedBlobs,
            Source = resolved.Source.ToString(), ConnectionValue = resolved.Location.Value,
        };
    }
}
