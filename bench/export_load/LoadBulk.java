// A stand-in for OpenSearch when no OpenSearch can be installed: loads the
// `_bulk` file of `secsearch export --to opensearch` into a Lucene index
// whose fields are analysed as `mapping.json` says — `title`/`body` with
// Lucene's CJKAnalyzer (what OpenSearch's built-in `cjk` analyzer is),
// `title.smartcn`/`body.smartcn` with SmartChineseAnalyzer (the
// analysis-smartcn plugin's `smartcn`), the rest as keywords — applying each
// `index` action as OpenSearch does (add or replace by `_id`), then runs the
// three searches of docs/export.md and prints one JSON line each.
//
// Not OpenSearch: no cluster, no `_bulk` HTTP parsing, Lucene 8.7 (Debian's
// liblucene8-java) where OpenSearch 2.x ships Lucene 9. What it checks is the
// part that decides what is found: the analysers over the exported text.
//
//   java -cp LUCENE_JARS:gson.jar LoadBulk.java BULK PHRASE INDICATOR SINCE PHRASE2 [LOADS]

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field.Store;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.QueryBuilder;

public class LoadBulk {
    static String str(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    static Analyzer analyzer() {
        Map<String, Analyzer> per = new HashMap<>();
        per.put("title.smartcn", new SmartChineseAnalyzer());
        per.put("body.smartcn", new SmartChineseAnalyzer());
        return new PerFieldAnalyzerWrapper(new CJKAnalyzer(), per);
    }

    /** One bulk file: action line, source line, ... ; returns actions applied. */
    static long load(IndexWriter w, String bulk) throws Exception {
        long actions = 0;
        try (BufferedReader r = Files.newBufferedReader(Paths.get(bulk), StandardCharsets.UTF_8)) {
            String action;
            while ((action = r.readLine()) != null) {
                String source = r.readLine();
                JsonObject meta = JsonParser.parseString(action).getAsJsonObject().getAsJsonObject("index");
                JsonObject s = JsonParser.parseString(source).getAsJsonObject();
                String id = str(meta, "_id");
                Document d = new Document();
                d.add(new StringField("_id", id, Store.YES));
                for (String f : new String[] {"title", "body"}) {
                    d.add(new TextField(f, str(s, f), Store.NO));
                    d.add(new TextField(f + ".smartcn", str(s, f), Store.NO));
                }
                for (String f : new String[] {"path", "source", "url"}) {
                    d.add(new StringField(f, str(s, f), Store.YES));
                }
                if (s.has("date")) {
                    d.add(new StringField("date", str(s, "date"), Store.YES));
                }
                for (JsonElement e : s.getAsJsonArray("indicators")) {
                    d.add(new StringField("indicators", e.getAsString(), Store.NO));
                }
                w.updateDocument(new Term("_id", id), d); // `index`: add or replace
                actions++;
            }
        }
        return actions;
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Hits of `q` (all of them), the top sources among them, the best path. */
    static void report(IndexSearcher s, String name, Query q) throws Exception {
        TopDocs top = s.search(q, Math.max(1, s.getIndexReader().numDocs()));
        Map<String, Integer> sources = new TreeMap<>();
        for (ScoreDoc sd : top.scoreDocs) {
            sources.merge(s.doc(sd.doc).get("source"), 1, Integer::sum);
        }
        StringBuilder src = new StringBuilder();
        sources.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .limit(3)
                .forEach(e -> src.append(src.length() == 0 ? "" : ",")
                        .append(json(e.getKey())).append(":").append(e.getValue()));
        String best = top.scoreDocs.length == 0 ? "" : s.doc(top.scoreDocs[0].doc).get("path");
        System.out.println("{\"query\":" + json(name) + ",\"hits\":" + top.totalHits.value
                + ",\"top_sources\":{" + src + "},\"best\":" + json(best) + "}");
    }

    public static void main(String[] a) throws Exception {
        String bulk = a[0], phrase = a[1], indicator = a[2], since = a[3], phrase2 = a[4];
        int loads = a.length > 5 ? Integer.parseInt(a[5]) : 1;
        Analyzer an = analyzer();
        Directory dir = new ByteBuffersDirectory();
        long t0 = System.nanoTime(), actions = 0;
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(an))) {
            for (int i = 0; i < loads; i++) {
                actions += load(w, bulk);
            }
        }
        IndexSearcher s = new IndexSearcher(DirectoryReader.open(dir));
        System.out.println("{\"loaded\":" + actions + ",\"loads\":" + loads + ",\"documents\":"
                + s.getIndexReader().numDocs() + ",\"seconds\":"
                + String.format("%.2f", (System.nanoTime() - t0) / 1e9) + "}");
        QueryBuilder cjk = new QueryBuilder(an);
        // 1. match_phrase on the bigram field finds; smartcn and title rank.
        BooleanQuery.Builder q1 = new BooleanQuery.Builder();
        q1.add(cjk.createPhraseQuery("body", phrase), Occur.MUST);
        q1.add(cjk.createBooleanQuery("body.smartcn", phrase), Occur.SHOULD);
        q1.add(new BoostQuery(cjk.createPhraseQuery("title", phrase), 3f), Occur.SHOULD);
        report(s, "match_phrase body " + phrase, q1.build());
        // 2. term on indicators + date range, as filters.
        BooleanQuery.Builder q2 = new BooleanQuery.Builder();
        q2.add(new TermQuery(new Term("indicators", indicator)), Occur.FILTER);
        q2.add(TermRangeQuery.newStringRange("date", since, null, true, true), Occur.FILTER);
        report(s, "indicators " + indicator + " date>=" + since, q2.build());
        // 3. match_phrase, counted by source (the terms aggregation).
        report(s, "match_phrase body " + phrase2 + " by source", cjk.createPhraseQuery("body", phrase2));
    }
}
