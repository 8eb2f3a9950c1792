using System;
using System.Collections.Generic;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Naming
{
    /// <summary>Tag rules: order kept, duplicates dropped case-insensitively keeping the first spelling.</summary>
    public static class TagList
    {
        public const int MaxTagLength = 128;
        public const int MaxTagsPerRun = 1024;

        public static IReadOnlyList<string> Normalize(IEnumerable<string?> tags)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var result = new List<string>();
            foreach (var tag in tags)
            {
                ValidateOne(tag);
                if (seen.Add(tag!)) result.Add(tag!);
            }
            if (result.Count > MaxTagsPerRun)
                throw new InvalidTagException(result[MaxTagsPerRun], $"a run can carry at most {MaxTagsPerRun} tags");
            return result;
        }

        /// <summary>Existing tags followed by the new ones not already present.</summary>
        public static IReadOnlyList<string> Append(IEnumerable<string> existing, IEnumerable<string?> added)
        {
            var all = new List<string?>(existing);
            all.AddRange(added);
            return Normalize(all);
        }

        public static IReadOnlyList<string> Without(IEnumerable<string> existing, IEnumerable<string?> removed)
        {
            var drop = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var tag in removed) { ValidateOne(tag); drop.Add(tag!); }
            var result = new List<string>();
            foreach (var tag in existing) if (!drop.Contains(tag)) result.Add(tag);
            return result;
        }

        public static string Key(string tag) => tag.ToUpperInvariant();

        public static void ValidateOne(string? tag)
        {
            if (tag == null || tag.Trim().Length == 0)
                throw new InvalidTagException(tag, "the tag is empty");
            if (tag.Length > MaxTagLength)
                throw new InvalidTagException(tag, $"it is {tag.Length} characters long");
            if (tag.Trim().Length != tag.Length)
                throw new InvalidTagException(tag, "it starts or ends with white space");
            foreach (char c in tag)
                if (char.IsControl(c))
                    throw new InvalidTagException(tag, $"it contains the control character U+{(int)c:X4}");
        }
    }
}
