using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    private const int MaxTeachers = 64;

    private IReadOnlyList<TeacherRef>? ReadTeachers(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, allowed: null);
        if (r is null) return null;
        var teachers = new List<TeacherRef>();
        foreach (var (name, value) in r.Fields)
        {
            var teacherPath = r.PathOf(name);
            _teacherNames.Add(name);
            if (!SafeName.IsValid(name))
            {
                _problems.Add(teacherPath, $"{JsonValues.Quote(name)} is not a valid teacher name: use {SafeName.Rule}");
                continue;
            }
            if (JsonValues.String(value, teacherPath, _problems) is not { } text) continue;
            if (!TeacherSpec.TryParse(text, baseDirectory, out var spec, out var error))
            {
                _problems.Add(teacherPath, error);
                continue;
            }
            if (spec.RequiredKind is { } needs && _kind is { } kind && needs != kind)
                _problems.Add(teacherPath, $"teacher {JsonValues.Quote(text)} reads {KindName(needs)} data, but dataset.kind is {KindName(kind)}");
            CheckTeacherFiles(teacherPath, spec);
            teachers.Add(new TeacherRef(name, spec.ToString()));
        }
        if (_teacherNames.Count > MaxTeachers) _problems.Add(path, $"defines {_teacherNames.Count} teachers; at most {MaxTeachers} are allowed");
        return _problems.Count > before ? null : teachers;
    }

    private void CheckTeacherFiles(string path, TeacherSpec spec)
    {
        if (spec.Kind == TeacherKind.Features)
        {
            CheckFolder(path, spec.Path!);
            if (options.CheckFiles && !Directory.Exists(spec.Path!)) return;
        }
        foreach (var file in spec.ContentFiles) CheckFile(path, file);
    }

    private IReadOnlyList<IReadOnlyList<string>>? ReadCombos(JsonElement e, string path)
    {
        const string rule = "a list of combos, each a non-empty list of teacher names";
        var before = _problems.Count;
        var items = JsonValues.List(e, path, _problems, 1000, rule);
        if (items is null) return null;
        var combos = new List<IReadOnlyList<string>>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var comboPath = JsonPath.Index(path, i);
            var names = JsonValues.List(items[i], comboPath, _problems, MaxTeachers, "a non-empty list of teacher names");
            if (names is null) continue;
            if (names.Count == 0)
            {
                _problems.Add(comboPath, "is an empty combo; list at least one teacher");
                continue;
            }
            var combo = new List<string>();
            for (var j = 0; j < names.Count; j++)
            {
                var namePath = JsonPath.Index(comboPath, j);
                if (JsonValues.String(names[j], namePath, _problems, 200) is not { } name) continue;
                if (!_teacherNames.Contains(name))
                    _problems.Add(namePath, $"unknown teacher {JsonValues.Quote(name)}{Suggest.DidYouMean(name, _teacherNames)} (teachers defines: {(_teacherNames.Count == 0 ? "none" : Names(_teacherNames))})");
                else if (combo.Contains(name))
                    _problems.Add(namePath, $"teacher '{name}' appears twice in this combo");
                else combo.Add(name);
            }
            if (combo.Count != names.Count) continue;
            // Concatenation order does not change which teachers a cell uses: [a, b] and [b, a] are the same column.
            var key = string.Join('\0', combo.Order(StringComparer.Ordinal));
            if (seen.TryGetValue(key, out var first)) _problems.Add(comboPath, $"duplicate combo: same teachers as combos[{first}]");
            else seen[key] = i;
            combos.Add(combo);
        }
        return _problems.Count > before ? null : combos;
    }
}
