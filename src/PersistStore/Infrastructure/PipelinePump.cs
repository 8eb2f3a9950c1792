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
        private readonly ProgressRecord _progress;
        private DateTime _lastProgress = DateTime.MinValue;
        private int _progressShown;

        public PipelinePump(int activityId, string activity)
        {
            _progress = new ProgressRecord(activityId, activity, "Starting");
        }

        public void Post(Action<Cmdlet> write) => _messages.Add(write);

        /// <summary>Throttled: at most one update per interval reaches the host.</summary>
        public void Progress(string status, int percent)
        {
            var now = DateTime.UtcNow;
            if (now - _lastProgress < ProgressInterval) return;
            _lastProgress = now;
            Post(c =>
            {
                _progress.StatusDescription = status;
                _progress.PercentComplete = Math.Max(0, Math.Min(100, percent));
                _progress.RecordType = ProgressRecordType.Processing;
                c.WriteProgress(_progress);
                Interlocked.Exchange(ref _progressShown, 1);
            });
        }

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
                    _progress.RecordType = ProgressRecordType.Completed;
                    cmdlet.WriteProgress(_progress);
                }
            }
            return task.GetAwaiter().GetResult();
        }
    }
}
