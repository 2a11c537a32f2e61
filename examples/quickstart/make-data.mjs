// Writes the quickstart's corpus.jsonl and dev.jsonl: made-up towns, rivers, mountains and inventors described in
// short English passages, and questions about them in the 7 XOR-TyDi languages whose answers are English spans
// of those passages. Deterministic: the same files on every run (`node make-data.mjs` and compare with git).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20230503);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (items) => items[Math.floor(random() * items.length)];

const ONSETS = [
  "b",
  "d",
  "f",
  "g",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "z",
  "br",
  "dr",
  "kr",
  "st",
  "th",
  "tr",
];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou"];
const CODAS = ["", "", "", "n", "r", "l", "s", "m", "th", "nd"];
const used = new Set();
function name(syllables) {
  for (;;) {
    let word = "";
    for (let i = 0; i < syllables; i++)
      word += pick(ONSETS) + pick(VOWELS) + (i === syllables - 1 ? pick(CODAS) : "");
    const cased = word[0].toUpperCase() + word.slice(1);
    if (!used.has(cased)) {
      used.add(cased);
      return cased;
    }
  }
}

const REGIONS = Array.from(
  { length: 8 },
  () => `${name(2)} ${pick(["Valley", "Coast", "Highlands", "Plains", "Basin"])}`,
);
const SEAS = Array.from({ length: 4 }, () => `${name(2)} Sea`);
const INDUSTRIES = [
  "fishing",
  "salt mining",
  "weaving",
  "glassmaking",
  "timber",
  "wool trade",
  "shipbuilding",
  "pottery",
];
const DEVICES = [
  "tide clock",
  "salt lens",
  "wind loom",
  "copper compass",
  "rain gauge",
  "folding kiln",
  "signal lantern",
  "river dredge",
  "seed drill",
  "ice saw",
  "glass bellows",
  "rope winch",
  "star chart",
  "pressure valve",
  "fog horn",
  "paper press",
  "water wheel governor",
  "sun dial mirror",
  "clay filter",
  "sail stitcher",
];

const towns = Array.from({ length: 80 }, () => ({
  kind: "town",
  name: name(int(2, 3)),
  region: pick(REGIONS),
  founded: int(1200, 1890),
  population: int(900, 98000),
  industry: pick(INDUSTRIES),
}));
const rivers = Array.from({ length: 60 }, () => ({
  kind: "river",
  name: name(2),
  region: pick(REGIONS),
  length: int(40, 1900),
  sea: pick(SEAS),
  town: pick(towns).name,
}));
const mountains = Array.from({ length: 50 }, () => ({
  kind: "mountain",
  name: name(2),
  region: pick(REGIONS),
  height: int(800, 6400),
  climbed: int(1790, 1960),
}));
const inventors = Array.from({ length: 90 }, () => {
  const born = int(1700, 1900);
  return {
    kind: "inventor",
    name: `${name(2)} ${name(2)}`,
    town: pick(towns).name,
    born,
    died: born + int(40, 90),
    device: pick(DEVICES),
    shown: born + int(20, 39),
  };
});
for (const m of mountains) m.climber = pick(inventors).name;
for (const t of towns) t.river = pick(rivers).name;

const PASSAGES = {
  town: [
    (e) =>
      `${e.name} is a town in the ${e.region}. It was founded in ${e.founded} and lies on the ${e.river} river. The town has a population of ${e.population}, and its economy is based on ${e.industry}.`,
    (e) =>
      `Founded in ${e.founded}, ${e.name} grew from a small market into a town of ${e.population} people. It is located in the ${e.region}, on the banks of the ${e.river} river, and is known for ${e.industry}.`,
  ],
  river: [
    (e) =>
      `The ${e.name} is a river in the ${e.region}. It is ${e.length} kilometres long and flows into the ${e.sea}. The river passes through the town of ${e.town}.`,
    (e) =>
      `Rising in the hills of the ${e.region}, the ${e.name} river runs for ${e.length} kilometres before it reaches the ${e.sea}. ${e.town} is the largest town on its banks.`,
  ],
  mountain: [
    (e) =>
      `Mount ${e.name} is a mountain in the ${e.region}. It rises to ${e.height} metres above sea level. The first recorded ascent was made in ${e.climbed} by ${e.climber}.`,
    (e) =>
      `At ${e.height} metres, Mount ${e.name} is one of the landmarks of the ${e.region}. ${e.climber} reached its summit in ${e.climbed}.`,
  ],
  inventor: [
    (e) =>
      `${e.name} (${e.born}–${e.died}) was an inventor born in ${e.town}. ${e.name.split(" ")[1]} is best known for the ${e.device}, first shown to the public in ${e.shown}.`,
    (e) =>
      `Born in ${e.town} in ${e.born}, ${e.name} worked as a clockmaker before turning to invention. The ${e.device}, presented in ${e.shown}, made the name ${e.name.split(" ")[1]} famous.`,
  ],
};

// Questions per fact: one template per language, hand-written; {X} is the entity's name (kept in Latin script,
// as named entities often are in XOR-TyDi questions). The answer is an English span of the passage.
const QUESTIONS = [
  {
    kind: "town",
    answer: (e) => String(e.founded),
    ar: "في أي عام تأسست مدينة {X}؟",
    bn: "{X} শহর কোন সালে প্রতিষ্ঠিত হয়েছিল?",
    fi: "Minä vuonna {X} perustettiin?",
    ja: "{X}は何年に設立されましたか？",
    ko: "{X} 마을은 몇 년에 세워졌나요?",
    ru: "В каком году был основан город {X}?",
    te: "{X} పట్టణం ఏ సంవత్సరంలో స్థాపించబడింది?",
  },
  {
    kind: "town",
    answer: (e) => e.region,
    ar: "في أي منطقة تقع مدينة {X}؟",
    bn: "{X} শহর কোন অঞ্চলে অবস্থিত?",
    fi: "Millä alueella {X} sijaitsee?",
    ja: "{X}はどの地方にありますか？",
    ko: "{X} 마을은 어느 지역에 있나요?",
    ru: "В каком регионе находится город {X}?",
    te: "{X} పట్టణం ఏ ప్రాంతంలో ఉంది?",
  },
  {
    kind: "river",
    answer: (e) => `${e.length} kilometres`,
    ar: "ما طول نهر {X}؟",
    bn: "{X} নদীর দৈর্ঘ্য কত?",
    fi: "Kuinka pitkä on {X}-joki?",
    ja: "{X}川の長さはどれくらいですか？",
    ko: "{X} 강의 길이는 얼마인가요?",
    ru: "Какова длина реки {X}?",
    te: "{X} నది పొడవు ఎంత?",
  },
  {
    kind: "river",
    answer: (e) => e.sea,
    ar: "في أي بحر يصب نهر {X}؟",
    bn: "{X} নদী কোন সাগরে পড়েছে?",
    fi: "Mihin mereen {X}-joki laskee?",
    ja: "{X}川はどの海に注いでいますか？",
    ko: "{X} 강은 어느 바다로 흘러가나요?",
    ru: "В какое море впадает река {X}?",
    te: "{X} నది ఏ సముద్రంలో కలుస్తుంది?",
  },
  {
    kind: "mountain",
    answer: (e) => `${e.height} metres`,
    ar: "ما ارتفاع جبل {X}؟",
    bn: "{X} পর্বতের উচ্চতা কত?",
    fi: "Kuinka korkea on {X}-vuori?",
    ja: "{X}山の標高はどれくらいですか？",
    ko: "{X} 산의 높이는 얼마인가요?",
    ru: "Какова высота горы {X}?",
    te: "{X} పర్వతం ఎత్తు ఎంత?",
  },
  {
    kind: "mountain",
    answer: (e) => e.climber,
    ar: "من أول من تسلق جبل {X}؟",
    bn: "{X} পর্বতে প্রথম কে আরোহণ করেছিলেন?",
    fi: "Kuka kiipesi ensimmäisenä {X}-vuorelle?",
    ja: "{X}山に初めて登ったのは誰ですか？",
    ko: "{X} 산에 처음 오른 사람은 누구인가요?",
    ru: "Кто первым поднялся на гору {X}?",
    te: "{X} పర్వతాన్ని మొదట ఎవరు అధిరోహించారు?",
  },
  {
    kind: "inventor",
    answer: (e) => e.device,
    ar: "ماذا اخترع {X}؟",
    bn: "{X} কী আবিষ্কার করেছিলেন?",
    fi: "Mitä {X} keksi?",
    ja: "{X}は何を発明しましたか？",
    ko: "{X} 씨가 발명한 것은 무엇인가요?",
    ru: "Что изобрёл {X}?",
    te: "{X} ఏమి కనిపెట్టారు?",
  },
  {
    kind: "inventor",
    answer: (e) => e.town,
    ar: "أين ولد {X}؟",
    bn: "{X} কোথায় জন্মগ্রহণ করেছিলেন?",
    fi: "Missä {X} syntyi?",
    ja: "{X}はどこで生まれましたか？",
    ko: "{X} 씨는 어디에서 태어났나요?",
    ru: "Где родился {X}?",
    te: "{X} ఎక్కడ జన్మించారు?",
  },
];
// A yes/no question per language: the official evaluation does not count such queries, and neither do we.
const YES_NO = {
  kind: "river",
  ar: "هل {X} نهر؟",
  bn: "{X} কি একটি নদী?",
  fi: "Onko {X} joki?",
  ja: "{X}は川ですか？",
  ko: "{X} 강은 실제로 강인가요?",
  ru: "Является ли {X} рекой?",
  te: "{X} ఒక నదా?",
};
const LANGS = ["ar", "bn", "fi", "ja", "ko", "ru", "te"];
const PER_LANGUAGE = 20;

const entities = [...towns, ...rivers, ...mountains, ...inventors];
const passages = entities.map((e, i) => ({
  docid: `qs${String(i + 1).padStart(4, "0")}`,
  title: e.kind === "mountain" ? `Mount ${e.name}` : e.name,
  text: pick(PASSAGES[e.kind])(e),
}));
// Region overviews: distractors that mention many names but answer nothing directly.
for (const region of REGIONS) {
  const inRegion = towns.filter((t) => t.region === region).map((t) => t.name);
  passages.push({
    docid: `qs${String(passages.length + 1).padStart(4, "0")}`,
    title: `The ${region}`,
    text: `The ${region} is a region of rolling farmland and old trade roads. Its towns include ${inRegion.slice(0, 4).join(", ") || "a few villages"}, and its people are known for ${pick(INDUSTRIES)}.`,
  });
}

const queries = [];
for (const lang of LANGS) {
  for (let i = 0; i < PER_LANGUAGE; i++) {
    const q = pick(QUESTIONS);
    const e = pick(entities.filter((x) => x.kind === q.kind));
    queries.push({
      id: `${lang}-${String(i + 1).padStart(3, "0")}`,
      question: q[lang].replace("{X}", e.name),
      answers: [q.answer(e)],
      lang,
    });
  }
  const river = pick(rivers);
  queries.push({
    id: `${lang}-yn`,
    question: YES_NO[lang].replace("{X}", river.name),
    answers: ["yes"],
    lang,
  });
}

for (const q of queries) {
  if (q.answers[0] === "yes") continue;
  if (!passages.some((p) => p.text.includes(q.answers[0])))
    throw new Error(`no passage contains ${q.answers[0]}`);
}
const jsonl = (rows) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
writeFileSync(join(here, "corpus.jsonl"), jsonl(passages));
writeFileSync(join(here, "dev.jsonl"), jsonl(queries));
console.log(`wrote ${passages.length} passages and ${queries.length} queries`);
