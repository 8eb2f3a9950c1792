using System;
using System.Management.Automation;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Retry;

namespace PersistStore.Infrastructure
{
    /// <summary>A cmdlet that takes a run's lock: how long to wait for it (-Timeout or -RetryBudget), the lease and the reason.</summary>
    public abstract class LockingCmdlet : RunParameterCmdlet
    {
        /// <summary>The short form of -RetryBudget: wait at most this long (seconds or a TimeSpan); 0 fails at once.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? Timeout { get; set; }

        [Parameter]
        [ValidateNotNull]
        public RetryBudget? RetryBudget { get; set; }

        /// <summary>How long the lock lasts without renewal (seconds or a TimeSpan); renewed in the background while this process lives.</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan? Lease { get; set; }

        /// <summary>Shown to anyone who finds the run locked.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Reason { get; set; }

        private protected override RetryPolicy? RetryOverride =>
            RetryBudget?.Policy ?? (Timeout is TimeSpan t ? RetryPolicy.ForTimeout(t) : null);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Timeout != null && RetryBudget != null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give -Timeout or -RetryBudget, not both: -Timeout is the short form of a budget."),
                    "TimeoutAndRetryBudget", ErrorCategory.InvalidArgument, Timeout));
            if (Timeout < TimeSpan.Zero)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Timeout {Timeout} is negative. Give 0 (do not wait) or more."),
                    "InvalidTimeout", ErrorCategory.InvalidArgument, Timeout));
        }

        private protected TimeSpan LeaseOrDefault => Lease ?? LockService.DefaultLease;
    }
}
