using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// Which runs a migration copies, and under which name. A run is the same run in both stores when its id is: a
    /// migration run again brings it up to date. It conflicts when the destination gives its name to another run, or
    /// when the destination has changed it since it was copied (a change-log entry of the run that the source lacks):
    /// -OnConflict says whether that fails the whole migration before anything is copied, skips the run, or (for a
    /// name taken by another run) copies it under a free name.
    /// </summary>
    internal sealed class MigrationPlan
    {
        public sealed record Item(Guid Id, string SourceName, string DestinationName);

        public List<Item> Items { get; } = new List<Item>();
        public List<string> Skipped { get; } = new List<string>();
        public Dictionary<string, string> Renamed { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public int Selected { get; private set; }

        public static MigrationPlan Make(IStoreBackend source, IStoreBackend destination, MigrationOptions options)
        {
            var plan = new MigrationPlan();
            var runs = source.Read(r => r.QueryRuns(new RunFilter { NamePatterns = options.Runs, AllTags = options.Tags }));
            plan.Selected = runs.Count;
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in runs)
            {
                var (sameId, sameName, history) = destination.Read(r => (r.FindRunById(run.Id), r.FindRunByName(run.Name),
                    r.QueryHistory(new HistoryFilter { RunId = run.Id })));
                string? why = null;
                string name = sameId?.Name ?? run.Name;
                if (sameId != null)
                {
                    var own = RunState.Missing(history, source.Read(r => r.QueryHistory(new HistoryFilter { RunId = run.Id })));
                    if (own.Count > 0)
                        why = $"the destination has changed it since it was migrated ({own.Count} change-log entries the source lacks, the first: {own[0].Operation} at {own[0].Time:u})";
                }
                else if (sameName != null)
                {
                    if (options.OnConflict == ConflictAction.Rename)
                    {
                        name = FreeName(destination, run.Name, taken);
                        plan.Renamed[run.Name] = name;
                    }
                    else why = $"the destination already has a different run named '{sameName.Name}' (id {sameName.Id})";
                }
                if (why != null)
                {
                    if (options.OnConflict == ConflictAction.Skip) { plan.Skipped.Add(run.Name); continue; }
                    throw MigrationException.Conflict(run.Name, why);
                }
                taken.Add(RunName.Key(name));
                plan.Items.Add(new Item(run.Id, run.Name, name));
            }
            return plan;
        }

        /// <summary>name-migrated, then name-migrated-2, ...: the first the destination and this plan leave free.</summary>
        private static string FreeName(IStoreBackend destination, string name, HashSet<string> taken)
        {
            for (int i = 1; ; i++)
            {
                string suffix = i == 1 ? "-migrated" : "-migrated-" + i;
                string candidate = name.Length + suffix.Length > RunName.MaxLength ? name.Substring(0, RunName.MaxLength - suffix.Length) + suffix : name + suffix;
                if (!taken.Contains(RunName.Key(candidate)) && destination.Read(r => r.FindRunByName(candidate)) == null) return candidate;
            }
        }
    }
}
