using System;
using System.Collections.Generic;

namespace PersistStore.Engine.Model
{
    /// <summary>
    /// Which runs to return. Name patterns use PowerShell wildcard syntax (*, ?, [a-z], backtick escapes) and match
    /// case-insensitively; AllTags is all-of, AnyTags any-of; all given criteria must hold.
    /// </summary>
    public sealed record RunFilter
    {
        public IReadOnlyList<string> NamePatterns { get; set; } = Array.Empty<string>();
        public IReadOnlyList<Guid> Ids { get; set; } = Array.Empty<Guid>();
        public IReadOnlyList<string> AllTags { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> AnyTags { get; set; } = Array.Empty<string>();
    }

    /// <summary>Which change-log entries to return; Last keeps the newest N (still returned oldest first).</summary>
    public sealed record HistoryFilter
    {
        public string? RunName { get; set; }
        public Guid? RunId { get; set; }
        public IReadOnlyList<string> Operations { get; set; } = Array.Empty<string>();
        public DateTime? Since { get; set; }
        public int? Last { get; set; }
    }
}
