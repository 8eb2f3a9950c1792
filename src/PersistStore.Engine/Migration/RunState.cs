using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// One run as a store holds it, read in one snapshot: its record, checkpoints, change-log entries and lock. The
    /// change-log entries of a run are matched between stores by content (time, user, host, process, operation,
    /// details), not by id: a destination numbers and chains its log itself, so a copied entry gets a new id and hash
    /// but keeps everything it says. That makes copying idempotent without a ledger: what the destination lacks is the
    /// source's entries minus the destination's, counted with multiplicity.
    /// </summary>
    internal sealed record RunState(RunRecord? Run, IReadOnlyList<CheckpointRecord> Checkpoints, IReadOnlyList<HistoryRecord> History, RunLock? Lock, int LastNumber)
    {
        public static RunState Read(IStoreReader r, Guid id) =>
            new RunState(r.FindRunById(id), r.QueryCheckpoints(id), r.QueryHistory(new HistoryFilter { RunId = id }), r.FindLock(id), r.LastCheckpointNumber(id));

        public static string Key(HistoryRecord e) =>
            string.Join("\u001f", e.Time.Ticks, e.User, e.Host, e.ProcessId, e.Operation, e.Details);

        /// <summary>Entries of `from` that `into` lacks, in from's order (multiset difference by Key).</summary>
        public static List<HistoryRecord> Missing(IEnumerable<HistoryRecord> from, IEnumerable<HistoryRecord> into)
        {
            var have = into.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var missing = new List<HistoryRecord>();
            foreach (var e in from)
            {
                string k = Key(e);
                if (have.TryGetValue(k, out int n) && n > 0) have[k] = n - 1;
                else missing.Add(e);
            }
            return missing;
        }

        /// <summary>The fields a migration must carry exactly (the name may differ after a rename).</summary>
        public static string? RunDifference(RunRecord source, RunRecord destination, string name)
        {
            if (destination.Name != name) return $"name '{destination.Name}' where '{name}' was expected";
            if (destination.Description != source.Description) return "the description differs";
            if (destination.Path != source.Path) return $"path '{destination.Path}' where the source has '{source.Path}'";
            if (destination.CreatedAt != source.CreatedAt || destination.CreatedBy != source.CreatedBy) return "the creation time or creator differs";
            if (destination.ModifiedAt != source.ModifiedAt || destination.ModifiedBy != source.ModifiedBy) return "the last change's time or author differs";
            if (destination.Version != source.Version) return $"version {destination.Version} where the source has {source.Version}";
            if (!destination.Tags.SequenceEqual(source.Tags, StringComparer.Ordinal)) return $"tags '{string.Join(",", destination.Tags)}' where the source has '{string.Join(",", source.Tags)}'";
            return PropertyDifference(source.Properties, destination.Properties);
        }

        public static string? CheckpointDifference(CheckpointRecord s, CheckpointRecord d)
        {
            if (!d.RootTree.Equals(s.RootTree)) return $"root listing {d.RootTree} where the source has {s.RootTree}";
            if ((d.Kind, d.Message, d.CreatedAt, d.CreatedBy, d.Parent) != (s.Kind, s.Message, s.CreatedAt, s.CreatedBy, s.Parent)) return "its kind, message, time, author or parent differs";
            if ((d.Files, d.Directories, d.LogicalBytes, d.NewBytes, d.Duration) != (s.Files, s.Directories, s.LogicalBytes, s.NewBytes, s.Duration)) return "its recorded counts differ";
            if (!d.Tags.SequenceEqual(s.Tags, StringComparer.Ordinal)) return "its tags differ";
            return PropertyDifference(s.Properties, d.Properties);
        }

        private static string? PropertyDifference(IReadOnlyDictionary<string, object> s, IReadOnlyDictionary<string, object> d)
        {
            foreach (var kv in s)
                if (!d.TryGetValue(kv.Key, out var v) || !Equals(v, kv.Value)) return $"property '{kv.Key}' differs";
            foreach (var k in d.Keys) if (!s.ContainsKey(k)) return $"property '{k}' is not in the source";
            return null;
        }

        public static bool SameLock(RunLock? a, RunLock? b) =>
            a == null ? b == null : b != null && a.LockId == b.LockId && a.ExpiresAt == b.ExpiresAt && a.RenewedAt == b.RenewedAt;
    }
}
