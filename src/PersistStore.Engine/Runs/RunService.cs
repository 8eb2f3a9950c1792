using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Runs
{
    /// <summary>
    /// Runs and their tags. Every change is validated before the store is touched, then written in one transaction
    /// together with its change-log entry; a change that changes nothing writes nothing.
    /// </summary>
    public sealed class RunService
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;
        private readonly LockService _locks;

        public RunService(IStoreBackend store, Actor? actor = null, Func<DateTime>? clock = null)
            : this(store, Caller.For(actor, clock))
        { }

        public RunService(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
            _locks = new LockService(store, caller);
        }

        public RunRecord Get(RunRef run, CancellationToken cancel = default) =>
            _store.Read(r => RunLookup.Find(r, run), cancel);

        public IReadOnlyList<RunRecord> Query(RunFilter filter, CancellationToken cancel = default) =>
            _store.Read(r => r.QueryRuns(filter), cancel);

        /// <summary>Validates and normalises a request without touching the store (so bad input writes nothing).</summary>
        public static NewRunRequest Prepare(NewRunRequest request) => request with
        {
            Name = RunName.Validate(request.Name),
            Description = PropertyRules.ValidateDescription(request.Description),
            Tags = TagList.Normalize(request.Tags),
            Properties = Merge(PropertyRules.EmptySet(), request.Properties, null).ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
            Path = request.Path == null ? null : ValidatePath(request.Path),
        };

        public RunRecord Create(NewRunRequest request, CancellationToken cancel = default)
        {
            request = Prepare(request);
            string name = request.Name;
            var tags = request.Tags;
            var properties = Merge(PropertyRules.EmptySet(), request.Properties, null);
            string? path = request.Path;
            return _store.Write(w =>
            {
                var existing = w.FindRunByName(name);
                if (existing != null) throw new RunAlreadyExistsException(name, existing.Name);
                var now = _caller.Clock();
                var run = new RunRecord
                {
                    Id = Guid.NewGuid(), Name = name, Description = request.Description, Path = path,
                    Properties = properties, Tags = tags, CreatedAt = now, CreatedBy = _caller.Actor.UserAtHost,
                    ModifiedAt = now, ModifiedBy = _caller.Actor.UserAtHost, Version = 1,
                };
                w.InsertRun(run);
                w.AppendHistory(new HistoryDraft(Operations.CreateRun, run.Id, run.Name, ChangeDetails.Created(run)), _caller.Actor, now);
                return run;
            }, cancel, _caller.Retry);
        }

        public RunRecord Update(RunRef run, RunChanges changes, CancellationToken cancel = default)
        {
            string? path = changes.Path == null ? null : ValidatePath(changes.Path);
            PropertyRules.ValidateDescription(changes.Description);
            foreach (var name in changes.RemoveProperties ?? Array.Empty<string>()) PropertyRules.ValidateName(name);
            return Change(run, Operations.UpdateRun, current =>
            {
                var baseSet = changes.ReplaceProperties ? PropertyRules.EmptySet() : PropertyRules.Copy(current.Properties);
                return current with
                {
                    Description = changes.ClearDescription ? null : changes.Description ?? current.Description,
                    Path = changes.ClearPath ? null : path ?? current.Path,
                    Properties = Merge(baseSet, changes.Properties, changes.RemoveProperties),
                };
            }, ChangeDetails.Updated, cancel);
        }

        public RunRecord SetTags(RunRef run, IEnumerable<string> tags, bool append, CancellationToken cancel = default)
        {
            var given = tags.ToList();
            var normalized = TagList.Normalize(given);
            return Change(run, Operations.SetTags,
                current => current with { Tags = append ? TagList.Append(current.Tags, normalized) : normalized },
                ChangeDetails.TagsSet, cancel);
        }

        public RunRecord RemoveTags(RunRef run, IEnumerable<string> tags, CancellationToken cancel = default)
        {
            var removed = tags.ToList();
            foreach (var tag in removed) TagList.ValidateOne(tag);
            return Change(run, Operations.RemoveTags, current => current with { Tags = TagList.Without(current.Tags, removed) },
                ChangeDetails.TagsRemoved, cancel);
        }

        public RunRecord Remove(RunRef run, CancellationToken cancel = default)
        {
            var removed = _locks.Mutate(run, (w, current, now) =>
            {
                w.DeleteRun(current.Id);
                w.AppendHistory(new HistoryDraft(Operations.RemoveRun, current.Id, current.Name, ChangeDetails.Removed(current)), _caller.Actor, now);
                return current;
            }, cancel);
            _caller.Session.Forget(_store, removed.Id);   // the lock row went with the run
            return removed;
        }

        /// <summary>
        /// One change of the run's record under its lock, logged as the operation given (the services' own changes,
        /// and a transaction's rollback to an earlier state); a change that changes nothing writes nothing.
        /// </summary>
        public RunRecord Change(RunRef run, string operation, Func<RunRecord, RunRecord> change,
            Func<RunRecord, RunRecord, string> describe, CancellationToken cancel = default) =>
            _locks.Mutate(run, (w, current, now) =>
            {
                var next = change(current);
                if (RunContent.Equal(current, next)) return current;
                next = next with { ModifiedAt = now, ModifiedBy = _caller.Actor.UserAtHost, Version = current.Version + 1 };
                w.UpdateRun(next);
                w.AppendHistory(new HistoryDraft(operation, next.Id, next.Name, describe(current, next)), _caller.Actor, now);
                return next;
            }, cancel);

        private static string ValidatePath(string path)
        {
            if (!System.IO.Path.IsPathRooted(path))
                throw new PersistStoreException("RunPathNotAbsolute", ErrorKind.InvalidArgument, path,
                    $"The run path '{path}' is not absolute. Give the full path of the run's directory.");
            string full = System.IO.Path.GetFullPath(path);
            if (File.Exists(full))
                throw new PersistStoreException("RunPathIsFile", ErrorKind.InvalidArgument, path,
                    $"The run path '{full}' is a file. A run tracks a directory: give the folder that holds the run's files.");
            if (!Directory.Exists(full))
                throw new PersistStoreException("RunPathNotFound", ErrorKind.NotFound, path,
                    $"The run directory '{full}' does not exist. Create it first, then set it as the run's path.");
            return full;
        }

        private static SortedDictionary<string, object> Merge(SortedDictionary<string, object> target,
            IReadOnlyDictionary<string, object?>? set, IReadOnlyList<string>? remove)
        {
            foreach (var kv in set ?? new Dictionary<string, object?>())
            {
                string name = PropertyRules.ValidateName(kv.Key);
                var value = PropertyRules.NormalizeValue(name, kv.Value);
                target.Remove(name);   // keep the newest spelling of a case-insensitive name
                target[name] = value;
            }
            foreach (var name in remove ?? Array.Empty<string>()) target.Remove(name);
            return target;
        }
    }
}
