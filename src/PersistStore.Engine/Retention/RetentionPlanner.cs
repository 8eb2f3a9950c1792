using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Retention
{
    /// <summary>One checkpoint's fate under a policy, and every rule that keeps it (none: it is removed).</summary>
    public sealed record RetentionDecision(CheckpointRecord Checkpoint, IReadOnlyList<string> Reasons)
    {
        public bool Keep => Reasons.Count > 0;
    }

    /// <summary>
    /// Applies a policy to one run's checkpoints with restic's forget semantics (internal/restic/snapshot_policy.go):
    /// newest first (equal times: the higher number is newer); a counted rule keeps the first checkpoint of each
    /// period it has not seen yet, until its count is used up, and if it still has count left at the oldest
    /// checkpoint it keeps that one too ("oldest"), so the history reaches as far back as the counts allow. Tags and
    /// -KeepWithin keep without counting. The newest checkpoint is always kept: the next checkpoint builds on it.
    /// </summary>
    public static class RetentionPlanner
    {
        public static IReadOnlyList<RetentionDecision> Plan(IEnumerable<CheckpointRecord> checkpoints, RetentionPolicy policy, TimeZoneInfo zone)
        {
            var list = checkpoints.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Number).ToList();
            if (list.Count == 0) return Array.Empty<RetentionDecision>();
            var buckets = Buckets(policy).ToList();
            var latest = list[0].CreatedAt;
            var decisions = new List<RetentionDecision>(list.Count);
            for (int nr = 0; nr < list.Count; nr++)
            {
                var c = list[nr];
                var reasons = new List<string>();
                if (nr == 0) reasons.Add("newest");
                foreach (var tag in policy.Tags)
                    if (c.Tags.Any(t => string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))) reasons.Add($"KeepTag '{tag}'");
                if (policy.Within is TimeSpan within && within > TimeSpan.Zero && c.CreatedAt > latest - within)
                    reasons.Add("KeepWithin " + within.ToString("c", CultureInfo.InvariantCulture));
                var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(c.CreatedAt, DateTimeKind.Utc), zone);
                foreach (var b in buckets)
                {
                    if (b.Left == 0) continue;
                    string value = b.Period(local, nr);
                    bool oldest = nr == list.Count - 1;
                    if (value == b.Last && !oldest) continue;
                    reasons.Add(value == b.Last ? b.Rule + " (oldest)" : b.Rule);
                    b.Last = value;
                    if (b.Left > 0) b.Left--;
                }
                decisions.Add(new RetentionDecision(c, reasons));
            }
            return decisions;
        }

        private sealed class Bucket
        {
            public Bucket(string rule, int count, Func<DateTime, int, string> period)
            {
                Rule = rule;
                Left = count;
                Period = period;
            }

            public string Rule { get; }
            public Func<DateTime, int, string> Period { get; }
            /// <summary>Periods still to keep; -1 without limit.</summary>
            public int Left { get; set; }
            public string? Last { get; set; }
        }

        private static IEnumerable<Bucket> Buckets(RetentionPolicy policy)
        {
            Func<DateTime, int, string>[] periods =
            {
                (_, nr) => nr.ToString(CultureInfo.InvariantCulture),   // KeepLast: every checkpoint is its own period
                (t, _) => CalendarBuckets.Hour(t),
                (t, _) => CalendarBuckets.Day(t),
                (t, _) => CalendarBuckets.Week(t),
                (t, _) => CalendarBuckets.Month(t),
                (t, _) => CalendarBuckets.Year(t),
            };
            int i = 0;
            foreach (var (rule, count) in policy.Counts())
            {
                var period = periods[i++];
                if (count != 0) yield return new Bucket(rule, count, period);
            }
        }
    }
}
