/**
 * The report's CSS, as one string for an inline <style> (its hash goes into the CSP). Light and dark
 * themes through custom properties; statuses as `s-<STATUS>` classes, scores as `sc-<0..10>`.
 */

/** Score colours from red (0%) to green (100%), one class per 10% bucket. */
function scoreClasses(): string {
  const rules: string[] = [];
  for (let b = 0; b <= 10; b++) {
    const hue = Math.round((b / 10) ** 2 * 130);
    rules.push(`.sc-${b}{background:hsl(${hue} 70% var(--sc-l));color:hsl(${hue} 80% var(--sc-t))}`);
  }
  return rules.join('\n');
}

/** The stylesheet of the HTML report. */
export const CSS = `
:root{--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa;--accent:#0969da;--bar-h:48px;
--sc-l:88%;--sc-t:24%;
--PASS-bg:#dafbe1;--PASS-fg:#116329;--PASS-dim:#3f8a55;--FAIL-bg:#ffd7d5;--FAIL-fg:#a40e26;--TIMEOUT-bg:#ffe8b0;--TIMEOUT-fg:#7d4e00;
--CRASH-bg:#e8dbff;--CRASH-fg:#5a32a3;--ERROR-bg:#ffd6ec;--ERROR-fg:#99154b;--SKIP-bg:#eaeef2;--SKIP-fg:#57606a;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--soft:#161b22;--accent:#4493f8;
--sc-l:22%;--sc-t:80%;
--PASS-bg:#12361f;--PASS-fg:#7ee2a0;--PASS-dim:#5fae7c;--FAIL-bg:#4a1519;--FAIL-fg:#ffa198;--TIMEOUT-bg:#3d2c05;--TIMEOUT-fg:#f2cc60;
--CRASH-bg:#2f1f4f;--CRASH-fg:#d2b8ff;--ERROR-bg:#45132f;--ERROR-fg:#ff9bce;--SKIP-bg:#21262d;--SKIP-fg:#8d96a0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
header.top{padding:16px 20px 8px}
header.top h1{margin:0 0 2px;font-size:20px;font-weight:650}
.meta{color:var(--muted);margin:0}
.warn{color:var(--FAIL-fg);font-weight:600}
h2{font-size:14px;margin:16px 20px 6px}
.scores{margin:0 20px 8px;border-collapse:separate;border-spacing:2px}
.scores th,.scores td{padding:3px 8px;text-align:center;white-space:nowrap}
.scores th{font-weight:600;color:var(--muted);font-size:12px}
.scores th.area{text-align:left;color:var(--fg)}
.scores td{border-radius:4px;font-variant-numeric:tabular-nums;min-width:64px}
.scores tr.overall td,.scores tr.overall th{font-weight:700}
.filters{position:sticky;top:0;z-index:5;height:var(--bar-h);display:flex;gap:12px;align-items:center;padding:0 20px;
background:var(--bg);border-bottom:1px solid var(--line)}
.filters input[type=search]{width:280px}
.filters input,.filters select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg)}
.filters label{display:flex;gap:6px;align-items:center;white-space:nowrap}
.filters .count{margin-left:auto;color:var(--muted);white-space:nowrap}
.legend{display:flex;gap:6px;align-items:center;margin:0 20px 10px;color:var(--muted);flex-wrap:wrap}
.legend span.st{position:relative;display:inline-block;min-width:58px;padding:1px 6px;border-radius:4px}
.wrap{padding:0 20px 40px}
table.matrix{border-collapse:separate;border-spacing:0;font-variant-numeric:tabular-nums}
.matrix thead th{position:sticky;top:var(--bar-h);z-index:3;background:var(--bg);vertical-align:bottom;padding:6px 4px;
border-bottom:1px solid var(--line);font-weight:600;text-align:center}
.matrix thead th.corner{text-align:left;left:0;z-index:4;padding-left:6px}
.matrix th.tgt{width:92px;max-width:92px}
.tgt .name{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;overflow-wrap:break-word;font-size:12px;line-height:1.25}
.tgt .rt{display:block;font-weight:400;color:var(--muted);font-size:11px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tgt .set{display:block;font-weight:400;color:var(--muted);font-size:10.5px;line-height:1.25;white-space:normal;overflow-wrap:anywhere}.tgt .set>span{display:block}
.tgt.skipped .name{text-decoration:line-through;color:var(--muted)}
.tgt .score{display:block;margin-top:4px;border-radius:4px;padding:2px 0;font-size:12px;font-weight:700}
.matrix tbody th{position:sticky;left:0;z-index:1;background:var(--bg);text-align:left;font-weight:400;padding:0 10px 0 6px;
max-width:420px;width:420px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
tr.area th,tr.area td{padding-top:14px;border-bottom:1px solid var(--line)}
tr.area th{font-weight:700;font-size:14px}
tr.area td span{display:block;margin:0 3px;border-radius:4px;font-size:11px;font-weight:600;text-align:center;padding:1px 0}
tr.feat th{max-width:none;color:var(--muted);font-weight:600;font-size:12px;padding-top:6px;padding-left:14px}
tr.case th{padding-left:22px}
tr.case th .id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
tr.case th .ttl{color:var(--muted);margin-left:8px}
tr.case th .src{display:inline-block;width:24px;font-size:11px}
tr.case:hover th,tr.case:hover td{filter:brightness(.96)}
td.st{height:22px;padding:0;border:1px solid var(--bg);border-radius:5px;text-align:center;font-size:10.5px;font-weight:650;
letter-spacing:.02em;cursor:pointer;position:relative;user-select:none}
td.st:focus-visible,td.st.sel{outline:2px solid var(--accent);outline-offset:-1px}
.s-PASS{background:var(--PASS-bg);color:var(--PASS-fg)}td.s-PASS{font-weight:500;color:var(--PASS-dim)}.s-FAIL{background:var(--FAIL-bg);color:var(--FAIL-fg)}
.s-TIMEOUT{background:var(--TIMEOUT-bg);color:var(--TIMEOUT-fg)}.s-CRASH{background:var(--CRASH-bg);color:var(--CRASH-fg)}
.s-ERROR{background:var(--ERROR-bg);color:var(--ERROR-fg)}.s-SKIP{background:var(--SKIP-bg);color:var(--SKIP-fg)}
.s-none{color:var(--muted);cursor:default}
.k{background-image:repeating-linear-gradient(135deg,transparent 0 5px,rgba(127,127,127,.16) 5px 7px)}
.x{box-shadow:inset 0 0 0 2px currentColor}
.x::after{content:"";position:absolute;top:2px;right:2px;width:5px;height:5px;border-radius:50%;background:currentColor}
.nb{font-weight:400;color:var(--muted)}
[hidden]{display:none!important}
aside.detail{position:fixed;top:0;right:0;bottom:0;width:min(600px,100vw);z-index:10;background:var(--bg);
border-left:1px solid var(--line);box-shadow:-8px 0 24px rgba(0,0,0,.15);overflow:auto;padding:16px 20px 40px}
aside.detail .close{position:sticky;top:0;float:right;font:inherit;font-size:18px;line-height:1;border:1px solid var(--line);
border-radius:6px;background:var(--soft);color:var(--fg);padding:4px 9px;cursor:pointer}
aside.detail h3{margin:0 40px 4px 0;font-size:15px;word-break:break-word}
aside.detail h4{margin:16px 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
aside.detail .verdict{display:flex;gap:8px;align-items:center;margin:8px 0}
aside.detail .verdict .st{padding:2px 8px;border-radius:4px;font-weight:700;font-size:12px}
aside.detail .msg{padding:8px 10px;border-radius:6px;background:var(--soft);border-left:3px solid var(--line);white-space:pre-wrap;word-break:break-word}
aside.detail pre{margin:0;padding:8px 10px;background:var(--soft);border-radius:6px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
aside.detail dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
aside.detail dt{color:var(--muted)}aside.detail dd{margin:0;word-break:break-word}
section.perf{margin:16px 20px}section.perf table{border-collapse:collapse}
section.perf td,section.perf th{padding:4px 12px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
section.perf meter{display:block;width:160px;height:8px}
td.st small{display:block;font-size:9px;font-weight:500;line-height:1;opacity:.85}
td.st small.stub{font-style:italic;text-decoration:underline dotted}
aside.detail .support{padding:4px 8px;border-radius:4px;background:var(--soft)}aside.detail .sup-stub{border-left:3px solid var(--FAIL-fg)}
aside.detail table.subtests{border-collapse:collapse;width:100%;font-size:11.5px}
aside.detail table.subtests td,aside.detail table.subtests th{padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line);word-break:break-all}
aside.detail table.subtests tr.known{opacity:.7}
.tl{position:relative;height:26px;margin:6px 0 2px;background:var(--soft);border-radius:4px;border:1px solid var(--line)}
.tl i{position:absolute;bottom:0;width:3px;margin-left:-1px;background:var(--accent);border-radius:1px}
.tl b{position:absolute;top:0;bottom:0;width:0;border-left:2px dashed var(--muted)}
.tl-axis{display:flex;justify-content:space-between;color:var(--muted);font-size:11px}
.chg::before{content:"";position:absolute;top:1px;left:1px;border:4px solid transparent;border-top-color:currentColor;border-left-color:currentColor}
td.d-new-failure{outline:2px solid var(--FAIL-fg);outline-offset:-2px}
td.d-fix{outline:2px dashed var(--PASS-fg);outline-offset:-2px}
.dnew{margin-left:6px;padding:0 4px;border-radius:3px;font-size:10px;font-weight:700;background:var(--accent);color:var(--bg)}
section.diff{margin:8px 20px 12px;padding:4px 14px 10px;border:1px solid var(--line);border-radius:8px;background:var(--soft)}
section.diff h2{margin:8px 0 2px}
section.diff h3{font-size:13px;margin:12px 0 4px}
section.diff .st{display:inline-block;min-width:52px;padding:0 4px;border-radius:4px;text-align:center;font-size:11px;font-weight:650}
section.diff .dcells{border-collapse:collapse}
section.diff .dcells td,section.diff .dcells th{padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
section.diff .dmsg{color:var(--muted);max-width:560px;word-break:break-word}
section.diff ul{margin:0;padding-left:20px}
section.diff .d-new-failure{color:var(--FAIL-fg);font-weight:650}section.diff .d-fix{color:var(--PASS-fg);font-weight:650}
${scoreClasses()}
`;
