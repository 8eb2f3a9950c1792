using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Runs
{
    /// <summary>The Details text of change-log entries: what changed, short enough to read in a table.</summary>
    internal static class ChangeDetails
    {
        public static string Created(RunRecord run) =>
            Join(run.Description != null ? "description set" : null,
                 run.Path != null ? $"path '{run.Path}'" : null,
                 $"tags {List(run.Tags)}",
                 run.Properties.Count > 0 ? $"properties {List(run.Properties.Keys)}" : null);

        public static string Updated(RunRecord before, RunRecord after)
        {
            var set = after.Properties.Where(kv => !before.Properties.TryGetValue(kv.Key, out var v) || !Equals(v, kv.Value))
                                      .Select(kv => kv.Key).ToList();
            var removed = before.Properties.Keys.Where(k => !after.Properties.ContainsKey(k)).ToList();
            return Join(before.Description != after.Description ? "description changed" : null,
                        before.Path != after.Path ? $"path '{before.Path}' -> '{after.Path}'" : null,
                        set.Count > 0 ? $"properties set {List(set)}" : null,
                        removed.Count > 0 ? $"properties removed {List(removed)}" : null);
        }

        public static string TagsSet(RunRecord before, RunRecord after) => $"tags {List(after.Tags)} (were {List(before.Tags)})";

        public static string TagsRemoved(RunRecord before, RunRecord after) =>
            $"removed {List(before.Tags.Where(t => !after.Tags.Contains(t)))}; tags now {List(after.Tags)}";

        public static string Removed(RunRecord run) =>
            $"run {run.Id:D} with {run.Tags.Count} tags and {run.Properties.Count} properties";

        private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

        private static string Join(params string?[] parts) => string.Join("; ", parts.Where(p => p != null));
    }
}
