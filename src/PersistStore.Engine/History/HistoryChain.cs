using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.History
{
    /// <summary>
    /// Each entry's hash covers its fields and its predecessor's hash, so removing, reordering or editing an entry
    /// breaks every hash after it. Fields are length-prefixed so no choice of text can forge a boundary.
    /// </summary>
    public static class HistoryChain
    {
        public static readonly string GenesisHash = new string('0', 64);

        /// <summary>The entry that follows last (null: the first of the log), with its id and hash: every backend appends this.</summary>
        public static HistoryRecord Next(HistoryRecord? last, HistoryDraft draft, Identity.Actor actor, DateTime timeUtc)
        {
            var entry = new HistoryRecord
            {
                Id = (last?.Id ?? 0) + 1,
                Time = timeUtc,
                User = actor.User,
                Host = actor.Host,
                ProcessId = actor.ProcessId,
                Operation = draft.Operation,
                RunId = draft.RunId,
                RunName = draft.RunName,
                Details = draft.Details,
                PreviousHash = last?.Hash ?? GenesisHash,
            };
            return entry with { Hash = ComputeHash(entry) };
        }

        public static string ComputeHash(HistoryRecord e)
        {
            var text = new StringBuilder();
            void Add(string? field)
            {
                field ??= "";
                text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
            }
            Add(e.PreviousHash);
            Add(e.Id.ToString(CultureInfo.InvariantCulture));
            Add(e.Time.Ticks.ToString(CultureInfo.InvariantCulture));
            Add(e.User);
            Add(e.Host);
            Add(e.ProcessId.ToString(CultureInfo.InvariantCulture));
            Add(e.Operation);
            Add(e.RunId?.ToString("D"));
            Add(e.RunName);
            Add(e.Details);
            using var sha = SHA256.Create();
            return ToHex(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString())));
        }

        /// <summary>Describes every break in an ordered sequence of entries (empty when intact).</summary>
        public static IReadOnlyList<string> Verify(IEnumerable<HistoryRecord> entries)
        {
            var problems = new List<string>();
            string expectedPrevious = GenesisHash;
            long lastId = 0;
            foreach (var e in entries)
            {
                if (e.Id != lastId + 1)
                    problems.Add($"History entry {e.Id} follows entry {lastId}: entries are missing.");
                if (!string.Equals(e.PreviousHash, expectedPrevious, StringComparison.Ordinal))
                    problems.Add($"History entry {e.Id} does not chain to the entry before it.");
                if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
                    problems.Add($"History entry {e.Id} was altered after it was written (hash mismatch).");
                expectedPrevious = e.Hash;
                lastId = e.Id;
            }
            return problems;
        }

        private static string ToHex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
