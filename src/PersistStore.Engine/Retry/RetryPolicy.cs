using System;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Retry
{
    /// <summary>
    /// How long and how often to wait for something another process holds (a run lock, a busy store): attempts,
    /// a total wait, and exponential backoff with jitter so waiters do not retry in lockstep.
    /// </summary>
    public sealed class RetryPolicy
    {
        /// <summary>At most this many attempts; 0 means no limit other than MaxWait.</summary>
        public int MaxAttempts { get; set; }
        public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);
        public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(10);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(500);
        /// <summary>0 to 1: each delay is drawn from [delay * (1 - Jitter), delay].</summary>
        public double Jitter { get; set; } = 0.5;

        public static RetryPolicy Default => new RetryPolicy();

        /// <summary>The short form: wait up to `timeout` with the default backoff; zero means one attempt only.</summary>
        public static RetryPolicy ForTimeout(TimeSpan timeout) => new RetryPolicy { MaxWait = timeout }.Validated();

        /// <summary>The store's busy wait for one write under this budget: never below a floor, because SQLite's own
        /// write lock is held for milliseconds by healthy writers and is not what a caller means by "do not wait".</summary>
        public TimeSpan StoreBusyWait => MaxWait < MinimumStoreBusyWait ? MinimumStoreBusyWait : MaxWait;

        private static readonly TimeSpan MinimumStoreBusyWait = TimeSpan.FromSeconds(1);

        public RetryPolicy Validated()
        {
            if (MaxAttempts < 0) throw Invalid(nameof(MaxAttempts), MaxAttempts, "0 (no limit) or more");
            if (MaxWait < TimeSpan.Zero) throw Invalid(nameof(MaxWait), MaxWait, "zero or more");
            if (InitialDelay <= TimeSpan.Zero) throw Invalid(nameof(InitialDelay), InitialDelay, "more than zero");
            if (MaxDelay < InitialDelay) throw Invalid(nameof(MaxDelay), MaxDelay, $"at least InitialDelay ({InitialDelay})");
            if (double.IsNaN(Jitter) || Jitter < 0 || Jitter > 1) throw Invalid(nameof(Jitter), Jitter, "between 0 and 1");
            return this;
        }

        /// <summary>The pause after the given failed attempt (1-based): InitialDelay doubled per attempt, capped, jittered.</summary>
        public TimeSpan DelayAfter(int attempt, Random random)
        {
            double ms = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(30, Math.Max(0, attempt - 1)));
            ms = Math.Min(ms, MaxDelay.TotalMilliseconds);
            ms *= 1 - Jitter * random.NextDouble();
            return TimeSpan.FromMilliseconds(ms);
        }

        public override string ToString() =>
            $"MaxAttempts={(MaxAttempts == 0 ? "unlimited" : MaxAttempts.ToString())}, MaxWait={MaxWait}, InitialDelay={InitialDelay}, MaxDelay={MaxDelay}, Jitter={Jitter}";

        private static PersistStoreException Invalid(string name, object value, string expected) =>
            new PersistStoreException("InvalidRetryBudget", ErrorKind.InvalidArgument, value,
                $"The retry budget's {name} is {value}; it must be {expected}.");
    }
}
