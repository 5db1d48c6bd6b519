using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Text;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Onnx;

/// <summary>
/// Runs a BERT-style ONNX text model over many texts: tokenizes, batches rows of similar token count
/// (<see cref="LengthBatches"/>) so each batch pads little, runs the batches, pools each row (<see cref="TextPooling"/>), optionally L2-normalises, and returns rows in input
/// order. Batches are shared out to several single-threaded sessions (one per core): for these small models that
/// beats one session's intra-op threads, which synchronise per operator. A row's features depend only on its own
/// tokens (padding is masked out) up to float rounding, and a given batch gives the same bits on any session.
/// </summary>
internal sealed class SentenceEncoder : IDisposable
{
    public const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    private readonly List<InferenceSession> _sessions = [];
    private readonly Func<InferenceSession> _openSession;
    private readonly int _workers;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly string _output;
    private readonly TextPooling _pooling;
    private readonly bool _normalise;
    private readonly int _maxLength, _batchSize;
    private readonly string[] _inputs;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SentenceEncoder(string spec, Func<InferenceSession> openSession, int workers, WordPieceTokenizer tokenizer,
        string output, TextPooling pooling, bool normalise, int maxLength, int batchSize)
    {
        _openSession = openSession;
        _workers = Math.Max(1, workers);
        var session = openSession();
        _sessions.Add(session);
        _tokenizer = tokenizer;
        _output = output;
        _pooling = pooling;
        _normalise = normalise;
        _maxLength = maxLength;
        _batchSize = Math.Max(1, batchSize);
        try
        {
            string[] known = [InputIds, AttentionMask, TokenTypeIds];
            var unknown = session.InputMetadata.Keys.Where(k => !known.Contains(k)).ToArray();
            if (unknown.Length > 0 || !session.InputMetadata.ContainsKey(InputIds))
                throw new TeacherException(spec,
                    $"text models must take {string.Join(", ", known)} (input_ids required); this model takes {string.Join(", ", session.InputMetadata.Keys)}");
            _inputs = known.Where(session.InputMetadata.ContainsKey).ToArray();
            if (!session.OutputMetadata.TryGetValue(output, out var meta))
                throw new TeacherException(spec, $"the model has no output '{output}' (it has {string.Join(", ", session.OutputMetadata.Keys)})");
            Dim = meta.Dimensions[^1];
            if (Dim <= 0) throw new TeacherException(spec, $"output '{output}' has no fixed feature width ({string.Join(",", meta.Dimensions)})");
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public int Dim { get; }

    public async Task<FeatureMatrix> EncodeAsync(IReadOnlyList<string> texts, IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Encode(texts, rowsDone, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private FeatureMatrix Encode(IReadOnlyList<string> texts, IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var encoded = texts.Select(t => _tokenizer.EncodeOne(t, _maxLength)).ToArray();
        var plan = LengthBatches.Plan(encoded.Select(e => e.Length).ToArray(), _batchSize);
        var data = new float[(long)texts.Count * Dim];
        var batches = plan.Length;
        var workers = Math.Max(1, Math.Min(_workers, batches));
        while (_sessions.Count < workers) _sessions.Add(_openSession());
        var next = -1;
        var done = 0;
        var tasks = _sessions.Take(workers).Select(session => Task.Factory.StartNew(() =>
        {
            using var run = new RunOptions();
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Longest batches first: the last batches, which one worker may finish while the others idle,
                // are then the shortest (longest-processing-time-first scheduling; the batches are unchanged).
                var rows = plan[batches - 1 - b];
                RunBatch(session, run, rows.Select(i => encoded[i]).ToArray(), rows, data);
                rowsDone?.Report(Interlocked.Add(ref done, rows.Length));
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return new FeatureMatrix(texts.Count, Dim, data);
    }

    private void RunBatch(InferenceSession session, RunOptions run, int[][] tokens, int[] rows, float[] data)
    {
        var batch = _tokenizer.Pad(tokens);
        long[] shape = [batch.BatchSize, batch.SequenceLength];
        var values = new List<OrtValue>();
        try
        {
            foreach (var name in _inputs)
                values.Add(OrtValue.CreateTensorValueFromMemory(name switch
                {
                    InputIds => batch.InputIds,
                    AttentionMask => batch.AttentionMask,
                    _ => batch.TokenTypeIds,
                }, shape));
            using var outputs = session.Run(run, _inputs, values, [_output]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            for (var r = 0; r < rows.Length; r++)
                Pool(hidden, batch, r, data.AsSpan(rows[r] * Dim, Dim));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private void Pool(ReadOnlySpan<float> hidden, TokenBatch batch, int row, Span<float> dst)
    {
        var seq = batch.SequenceLength;
        switch (_pooling)
        {
            case TextPooling.None:
                hidden.Slice(row * Dim, Dim).CopyTo(dst);
                break;
            case TextPooling.Cls:
                hidden.Slice(row * seq * Dim, Dim).CopyTo(dst);
                break;
            default:
                dst.Clear();
                var tokens = 0;
                for (var t = 0; t < seq; t++)
                {
                    if (batch.AttentionMask[row * seq + t] == 0) continue;
                    tokens++;
                    var v = hidden.Slice((row * seq + t) * Dim, Dim);
                    for (var j = 0; j < Dim; j++) dst[j] += v[j];
                }
                for (var j = 0; j < Dim; j++) dst[j] /= Math.Max(tokens, 1);
                break;
        }
        if (!_normalise) return;
        double norm = 0;
        foreach (var x in dst) norm += (double)x * x;
        var scale = (float)(1.0 / Math.Max(Math.Sqrt(norm), 1e-12));
        for (var j = 0; j < Dim; j++) dst[j] *= scale;
    }

    public void Dispose()
    {
        foreach (var session in _sessions) session.Dispose();
        _sessions.Clear();
        _gate.Dispose();
    }
}
