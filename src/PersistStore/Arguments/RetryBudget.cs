using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using PersistStore.Engine.Retry;

namespace PersistStore
{
    /// <summary>
    /// How long a command waits for a run another owner has locked (and for a busy store): at most MaxAttempts
    /// attempts (0 = no limit) within MaxWait, with delays from InitialDelay doubling up to MaxDelay, each
    /// shortened by a random fraction up to Jitter. Built from a hashtable:
    /// [PersistStore.RetryBudget]@{ MaxWait = 120; MaxAttempts = 50 }. Times are TimeSpans or seconds.
    /// </summary>
    public sealed class RetryBudget
    {
        private static readonly string[] Keys = { nameof(MaxAttempts), nameof(MaxWait), nameof(InitialDelay), nameof(MaxDelay), nameof(Jitter) };

        public RetryBudget(IDictionary settings)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            var policy = new RetryPolicy();
            foreach (DictionaryEntry entry in settings)
            {
                string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                object? value = entry.Value is System.Management.Automation.PSObject ps ? ps.BaseObject : entry.Value;
                switch (Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)))
                {
                    case nameof(MaxAttempts): policy.MaxAttempts = Convert.ToInt32(value, CultureInfo.InvariantCulture); break;
                    case nameof(MaxWait): policy.MaxWait = Durations.From(value, key); break;
                    case nameof(InitialDelay): policy.InitialDelay = Durations.From(value, key); break;
                    case nameof(MaxDelay): policy.MaxDelay = Durations.From(value, key); break;
                    case nameof(Jitter): policy.Jitter = Convert.ToDouble(value, CultureInfo.InvariantCulture); break;
                    default:
                        throw new ArgumentException($"'{key}' is not a retry budget setting. Use {string.Join(", ", Keys)}.");
                }
            }
            Policy = policy.Validated();
        }

        internal RetryBudget(RetryPolicy policy) => Policy = policy.Validated();

        internal RetryPolicy Policy { get; }

        public int MaxAttempts => Policy.MaxAttempts;
        public TimeSpan MaxWait => Policy.MaxWait;
        public TimeSpan InitialDelay => Policy.InitialDelay;
        public TimeSpan MaxDelay => Policy.MaxDelay;
        public double Jitter => Policy.Jitter;

        public override string ToString() => Policy.ToString();
    }
}
