using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers.Images;
using AftSweep.Transfer.Teachers.Onnx;
using AftSweep.Transfer.Text;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// <c>onnx-file:PATH?input=image|text&amp;output=NAME[&amp;maxLength=N]</c>: any user ONNX export (DINOv2, CLIP,
/// an LLM's encoder...). Image models get ImageNet-normalised NCHW float input at their declared size (224 when
/// dynamic), one image per call on one session per core. Text models get MiniLM-vocabulary WordPiece ids
/// (input_ids, attention_mask, token_type_ids as the model declares them; maxLength default 512). The output NAME
/// is pooled: [b, d] as is, [b, c, 1, 1] flattened, [b, seq, d] averaged over real tokens (text) or all tokens (image).
/// </summary>
public sealed class OnnxFileTeacher : ITeacher
{
    private const int DefaultImageSize = 224;
    private const int DefaultMaxLength = 512;

    private readonly ParallelImageRunner? _images;
    private readonly SentenceEncoder? _text;

    private OnnxFileTeacher(string spec, int dim, string identity, ParallelImageRunner? images, SentenceEncoder? text)
    {
        Spec = spec;
        Dim = dim;
        Identity = identity;
        _images = images;
        _text = text;
    }

    public string Spec { get; }
    public int Dim { get; }
    public string Identity { get; }

    /// <summary>Opens the model once to check it and read its shapes.</summary>
    public static OnnxFileTeacher Create(TeacherSpec parsed, TeacherOptions options)
    {
        if (parsed.Kind != TeacherKind.OnnxFile) throw new ArgumentException($"'{parsed}' is not an onnx-file teacher", nameof(parsed));
        var spec = parsed.ToString();
        var path = parsed.Path!;
        var output = parsed.Output!;
        if (!File.Exists(path)) throw new TeacherException(spec, $"model file {path} not found");

        using var probe = OnnxSessions.Open(spec, path, 1);
        if (!probe.OutputMetadata.TryGetValue(output, out var outMeta))
            throw new TeacherException(spec, $"{path} has no output '{output}' (it has {string.Join(", ", probe.OutputMetadata.Keys)})");
        var dims = outMeta.Dimensions;
        var hash = ModelHash.OfFile(path);

        if (parsed.Input == TeacherInput.Image)
        {
            if (probe.InputMetadata.Count != 1)
                throw new TeacherException(spec, $"image models must take one input; {path} takes {string.Join(", ", probe.InputMetadata.Keys)}");
            var (inputName, inMeta) = probe.InputMetadata.First();
            var inDims = inMeta.Dimensions;
            if (inMeta.ElementType != typeof(float) || inDims.Length != 4 || (inDims[1] > 0 && inDims[1] != 3))
                throw new TeacherException(spec, $"input '{inputName}' is {inMeta.ElementType.Name} [{string.Join(",", inDims)}]: expected float [batch, 3, H, W]");
            var height = inDims[2] > 0 ? inDims[2] : DefaultImageSize;
            var width = inDims[3] > 0 ? inDims[3] : DefaultImageSize;
            var dim = dims.Length switch
            {
                2 => dims[1],
                3 => dims[2],
                4 when dims[2] * dims[3] > 0 => dims[1] * dims[2] * dims[3],
                _ => -1,
            };
            if (dim <= 0) throw new TeacherException(spec, $"output '{output}' has shape [{string.Join(",", dims)}]: expected [b, d], [b, seq, d] or [b, c, h, w] with fixed d, c, h, w");
            var runner = new ParallelImageRunner(options.ImageWorkers,
                () => new OnnxFileImageWorker(spec, path, inputName, output, height, width, dims.Length, options));
            var identity = ModelHash.Identity("onnx-file", hash,
                $"input=image;resize=bilinear-halfpixel-{height}x{width};pixels=imagenet-normalised;output={output};pooling={(dims.Length == 3 ? "mean" : "flatten")}");
            return new OnnxFileTeacher(spec, dim, identity, runner, null);
        }
        else
        {
            var maxLength = parsed.MaxLength ?? DefaultMaxLength;
            if (dims.Length is not (2 or 3))
                throw new TeacherException(spec, $"output '{output}' has shape [{string.Join(",", dims)}]: expected [b, d] or [b, seq, d] for a text model");
            var pooling = dims.Length == 3 ? TextPooling.Mean : TextPooling.None;
            var encoder = new SentenceEncoder(spec, () => OnnxSessions.Open(spec, path, 1, options), options.TextWorkers,
                WordPieceTokenizer.MiniLm, output, pooling, normalise: false, maxLength, options.TextBatchSize);
            var identity = ModelHash.Identity("onnx-file", hash,
                $"input=text;tokenizer=minilm-wordpiece-uncased;maxLength={maxLength};output={output};pooling={pooling}");
            return new OnnxFileTeacher(spec, encoder.Dim, identity, null, encoder);
        }
    }

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var rows = TeacherInputs.Range(dataset, split, startRow, rowCount);
        if (_images is not null)
            return _images.RunAsync(TeacherInputs.Images(Spec, dataset, rows), startRow, rowCount, Dim, rowsDone, cancellationToken);
        var texts = TeacherInputs.Texts(Spec, dataset, rows);
        return _text!.EncodeAsync(new ArraySegment<string>(texts, startRow, rowCount), rowsDone, cancellationToken);
    }

    public void Dispose()
    {
        _images?.Dispose();
        _text?.Dispose();
    }
}
