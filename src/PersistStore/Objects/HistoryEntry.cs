using System;

namespace PersistStore
{
    /// <summary>One change-log entry. Time is UTC.</summary>
    public sealed class HistoryEntry
    {
        public long Id { get; set; }
        public DateTime Time { get; set; }
        public string User { get; set; } = "";
        public string Host { get; set; } = "";
        public int ProcessId { get; set; }
        public string Operation { get; set; } = "";
        public Guid? RunId { get; set; }
        public string? RunName { get; set; }
        public string Details { get; set; } = "";
        public string Hash { get; set; } = "";
        public string PreviousHash { get; set; } = "";

        public override string ToString() => $"{Id} {Operation} {RunName}";
    }
}
