using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Retention
{
    /// <summary>
    /// Which checkpoints of a run to keep, as restic's forget says it: each rule keeps some checkpoints and the rules
    /// are ORed. A count of -1 keeps one per period without limit; 0 (or null) leaves the rule out.
    /// </summary>
    public sealed record RetentionPolicy
    {
        public int? Last { get; set; }
        public int? Hourly { get; set; }
        public int? Daily { get; set; }
        public int? Weekly { get; set; }
        public int? Monthly { get; set; }
        public int? Yearly { get; set; }
        /// <summary>Keeps every checkpoint taken within this long before the run's newest checkpoint (not before now:
        /// a run whose job stopped months ago keeps its last stretch, as restic's --keep-within does).</summary>
        public TimeSpan? Within { get; set; }
        /// <summary>Keeps every checkpoint that recorded any of these tags (case-insensitive).</summary>
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();

        public bool IsEmpty => Counts().All(c => c.Count == 0) && (Within ?? TimeSpan.Zero) <= TimeSpan.Zero && Tags.Count == 0;

        /// <summary>The counted rules in restic's order, with the parameter name each comes from.</summary>
        internal IEnumerable<(string Rule, int Count)> Counts()
        {
            yield return ("KeepLast", Last ?? 0);
            yield return ("KeepHourly", Hourly ?? 0);
            yield return ("KeepDaily", Daily ?? 0);
            yield return ("KeepWeekly", Weekly ?? 0);
            yield return ("KeepMonthly", Monthly ?? 0);
            yield return ("KeepYearly", Yearly ?? 0);
        }

        /// <summary>Refuses a policy that would remove everything it can (no rule) or that has a meaningless value.</summary>
        public void Validate()
        {
            foreach (var (rule, count) in Counts())
                if (count < -1)
                    throw new PersistStoreException("InvalidRetentionCount", ErrorKind.InvalidArgument, count,
                        $"-{rule} {count} is not a count. Give how many periods to keep (1 or more), or -1 to keep one per period without limit.");
            if (Within < TimeSpan.Zero)
                throw new PersistStoreException("InvalidRetentionCount", ErrorKind.InvalidArgument, Within,
                    $"-KeepWithin {Within} is negative. Give how far back from the newest checkpoint to keep everything, for example 7.00:00:00 or (New-TimeSpan -Days 7).");
            if (IsEmpty)
                throw new PersistStoreException("RetentionPolicyEmpty", ErrorKind.InvalidArgument, null,
                    "The retention policy keeps nothing but the newest checkpoint, so nothing was removed. Give at least one rule: -KeepLast, -KeepHourly, -KeepDaily, -KeepWeekly, -KeepMonthly, -KeepYearly, -KeepWithin or -KeepTag; to remove one checkpoint, give its number with -Checkpoint.");
        }

        public override string ToString()
        {
            var parts = Counts().Where(c => c.Count != 0).Select(c => $"{c.Rule} {c.Count.ToString(CultureInfo.InvariantCulture)}").ToList();
            if (Within > TimeSpan.Zero) parts.Add($"KeepWithin {Within.Value.ToString("c", CultureInfo.InvariantCulture)}");
            if (Tags.Count > 0) parts.Add("KeepTag " + string.Join(", ", Tags));
            return string.Join("; ", parts);
        }
    }
}
