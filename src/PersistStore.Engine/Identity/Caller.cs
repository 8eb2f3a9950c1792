using System;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Retry;

namespace PersistStore.Engine.Identity
{
    /// <summary>
    /// Who is calling the engine and on what terms: the lock session (whose locks this caller holds), the retry
    /// budget for waiting on others, and the clock. Services pass the same Caller to the services they use, so a
    /// revert's own checkpoint acts under the revert's lock.
    /// </summary>
    public sealed class Caller
    {
        public Caller(LockSession session, RetryPolicy? retry = null, Func<DateTime>? clock = null, Action<string>? trace = null)
        {
            Session = session;
            Retry = (retry ?? RetryPolicy.Default).Validated();
            Clock = clock ?? (() => DateTime.UtcNow);
            Trace = trace;
        }

        public LockSession Session { get; }
        public RetryPolicy Retry { get; }
        public Func<DateTime> Clock { get; }

        /// <summary>Where diagnostic lines go (the cmdlets' -Debug stream): lock waits. May be called on any thread.</summary>
        public Action<string>? Trace { get; }
        public Actor Actor => Session.Owner.Actor;

        /// <summary>For callers without a session of their own: this process's shared session, or a new one for another actor.</summary>
        public static Caller For(Actor? actor, Func<DateTime>? clock = null) =>
            new Caller(actor == null || actor == Actor.Current ? LockSession.ForProcess : new LockSession(LockOwner.NewSession(actor)), null, clock);
    }
}
