using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// Runs long engine work on a worker thread while the pipeline thread writes what it reports (progress,
    /// per-item errors, warnings): cmdlets may only write from the pipeline thread. Progress is throttled and
    /// always completed at the end.
    /// </summary>
    internal sealed class PipelinePump
    {
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
        private readonly BlockingCollection<Action<Cmdlet>> _messages = new BlockingCollection<Action<Cmdlet>>();
        private readonly int _activityId;
        private readonly string _activity;
        private DateTime _lastProgress = DateTime.MinValue;
        private int _progressShown;
        private string _lastStatus = "Starting";

        public PipelinePump(int activityId, string activity)
        {
            _activityId = activityId;
            _activity = activity;
        }

        public void Post(Action<Cmdlet> write) => _messages.Add(write);

        /// <summary>
        /// Throttled: at most one update per interval reaches the host, and the status text is made only for those
        /// (a checkpoint reports once per file, from its readers).
        /// </summary>
        public void Progress(Func<string> describe, int percent)
        {
            var now = DateTime.UtcNow;
            if (now - _lastProgress < ProgressInterval) return;
            _lastProgress = now;
            string status = describe();
            // A new record each time: hosts may keep the records they are given (a job's or a runspace's
            // progress stream), and one record changed in place made every kept update read as the last.
            Post(c =>
            {
                _lastStatus = status;
                c.WriteProgress(new ProgressRecord(_activityId, _activity, status) { PercentComplete = Math.Max(0, Math.Min(100, percent)) });
                Interlocked.Exchange(ref _progressShown, 1);
            });
        }

        /// <summary>A maintenance pass's progress (Optimize, Test, Repair) as this pump's progress records.</summary>
        public IProgress<Engine.Maintenance.PassProgress> PassProgress() =>
            new ReportTo<Engine.Maintenance.PassProgress>(p => Progress(() => p.Phase, p.Percent));

        /// <summary>A maintenance pass's phase times as "phase 12 ms" lines for its output object.</summary>
        public static string[] Phases(System.Collections.Generic.IReadOnlyList<(string Phase, TimeSpan Time)> phases) =>
            System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(phases,
                p => $"{p.Phase} {p.Time.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)} ms"));

        public T Run<T>(Cmdlet cmdlet, Func<T> work)
        {
            var task = Task.Run(() =>
            {
                try { return work(); }
                finally { _messages.CompleteAdding(); }
            });
            try
            {
                foreach (var write in _messages.GetConsumingEnumerable()) write(cmdlet);
            }
            finally
            {
                if (Interlocked.CompareExchange(ref _progressShown, 0, 1) == 1)
                {
                    cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _lastStatus) { RecordType = ProgressRecordType.Completed });
                }
            }
            return task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Unlike Progress&lt;T&gt;, calls back synchronously: there is no synchronization context here.</summary>
    internal sealed class ReportTo<T> : IProgress<T>
    {
        private readonly Action<T> _report;
        public ReportTo(Action<T> report) => _report = report;
        public void Report(T value) => _report(value);
    }
}
