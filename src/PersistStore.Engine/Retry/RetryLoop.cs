using System;
using System.Diagnostics;
using System.Threading;

namespace PersistStore.Engine.Retry
{
    /// <summary>What a retry loop spent before it gave up: it goes into the error the caller reads.</summary>
    public sealed record RetryOutcome(int Attempts, TimeSpan Waited, Exception LastFailure);

    /// <summary>Runs an attempt until it succeeds, a non-retryable error occurs, or the budget is spent.</summary>
    public static class RetryLoop
    {
        [ThreadStatic] private static Random? _random;

        public static T Run<T>(RetryPolicy policy, Func<T> attempt, Func<Exception, bool> retryable,
            Func<RetryOutcome, Exception> exhausted, CancellationToken cancel)
        {
            var random = _random ??= new Random(Guid.NewGuid().GetHashCode());
            var clock = Stopwatch.StartNew();
            for (int attempts = 1; ; attempts++)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    return attempt();
                }
                catch (Exception e) when (retryable(e))
                {
                    var left = policy.MaxWait - clock.Elapsed;
                    if ((policy.MaxAttempts > 0 && attempts >= policy.MaxAttempts) || left <= TimeSpan.Zero)
                        throw exhausted(new RetryOutcome(attempts, clock.Elapsed, e));
                    var delay = policy.DelayAfter(attempts, random);
                    // The last attempt lands on the deadline rather than giving up early.
                    if (delay > left) delay = left;
                    if (cancel.WaitHandle.WaitOne(delay)) cancel.ThrowIfCancellationRequested();
                }
            }
        }
    }
}
