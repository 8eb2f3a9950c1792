using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Retention
{
    /// <summary>What happened to one checkpoint: the plan's decision, and whether it was removed.</summary>
    public sealed record RetentionOutcome(RetentionDecision Decision, bool Removed);

    /// <summary>
    /// Removes checkpoints: by number, or those a retention policy does not keep. The plan is made again inside
    /// the removing transaction, under the run's lock, and only checkpoints both approved by the caller (its
    /// -WhatIf/-Confirm answers on an earlier plan) and still unkept now are removed: a checkpoint taken meanwhile
    /// can only make the plan keep more. Only the records go; the space of what no checkpoint references any more
    /// is reclaimed by OptimizeService.
    /// </summary>
    public sealed class RetentionService
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;

        public RetentionService(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        /// <summary>The policy's plan for the run, changing nothing.</summary>
        public IReadOnlyList<RetentionDecision> Plan(RunRef run, RetentionPolicy policy, TimeZoneInfo zone, CancellationToken cancel = default)
        {
            policy.Validate();
            var current = new RunService(_store, _caller).Get(run, cancel);
            return RetentionPlanner.Plan(_store.Read(r => r.QueryCheckpoints(current.Id), cancel), policy, zone);
        }

        /// <summary>The named checkpoints as a plan that removes them; an unknown number fails before anything is removed.</summary>
        public IReadOnlyList<RetentionDecision> Plan(RunRef run, IReadOnlyCollection<int> numbers, CancellationToken cancel = default)
        {
            var current = new RunService(_store, _caller).Get(run, cancel);
            return Named(_store.Read(r => r.QueryCheckpoints(current.Id), cancel), current, numbers);
        }

        /// <summary>Removes what the policy does not keep, of the approved numbers.</summary>
        public IReadOnlyList<RetentionOutcome> Apply(RunRef run, RetentionPolicy policy, TimeZoneInfo zone, ISet<int> approved, CancellationToken cancel = default)
        {
            policy.Validate();
            return Remove(run, all => RetentionPlanner.Plan(all, policy, zone), approved, $"policy {policy}", cancel);
        }

        /// <summary>Removes the named checkpoints (of the approved numbers).</summary>
        public IReadOnlyList<RetentionOutcome> Apply(RunRef run, IReadOnlyCollection<int> numbers, ISet<int> approved, CancellationToken cancel = default) =>
            Remove(run, all => Named(all, null, numbers), approved, "by number", cancel);

        private IReadOnlyList<RetentionOutcome> Remove(RunRef run, Func<IReadOnlyList<CheckpointRecord>, IReadOnlyList<RetentionDecision>> plan,
            ISet<int> approved, string how, CancellationToken cancel)
        {
            var locks = new LockService(_store, _caller);
            return locks.Mutate(run, (w, current, now) =>
            {
                var decisions = plan(w.QueryCheckpoints(current.Id));
                var removing = decisions.Where(d => !d.Keep && approved.Contains(d.Checkpoint.Number)).Select(d => d.Checkpoint.Number).ToList();
                if (removing.Count > 0)
                {
                    w.DeleteCheckpoints(current.Id, removing);
                    var kept = decisions.Where(d => d.Keep).Select(d => d.Checkpoint.Number).OrderBy(n => n);
                    w.AppendHistory(new HistoryDraft(Operations.RemoveCheckpoints, current.Id, current.Name,
                        $"removed checkpoints {Numbers(removing.OrderBy(n => n))} ({how}); kept {Numbers(kept)}"), _caller.Actor, now);
                }
                return (IReadOnlyList<RetentionOutcome>)decisions.Select(d => new RetentionOutcome(d, removing.Contains(d.Checkpoint.Number))).ToList();
            }, cancel);
        }

        private static IReadOnlyList<RetentionDecision> Named(IReadOnlyList<CheckpointRecord> all, RunRecord? run, IReadOnlyCollection<int> numbers)
        {
            var byNumber = all.ToDictionary(c => c.Number);
            var missing = numbers.FirstOrDefault(n => !byNumber.ContainsKey(n));
            if (missing != 0)
            {
                string name = run?.Name ?? all.FirstOrDefault()?.RunName ?? "";
                throw new PersistStoreException("CheckpointNotFound", ErrorKind.NotFound, missing,
                    $"The run '{name}' has no checkpoint {missing}, so nothing was removed. Get-Checkpoint -Run '{name}' lists its checkpoints.");
            }
            return numbers.Distinct().OrderBy(n => n).Select(n => new RetentionDecision(byNumber[n], Array.Empty<string>())).ToList();
        }

        private static string Numbers(IEnumerable<int> numbers)
        {
            var list = numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
            return list.Count == 0 ? "none" : string.Join(", ", list);
        }
    }
}
