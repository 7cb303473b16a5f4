"""An emoji for a sentence, chosen from what it is about (a lexicon keyed by word stems)."""

from __future__ import annotations

from functools import lru_cache

from distill.summarize.text.words import stem

DEFAULT_EMOJI = "💡"

# emoji: words that suggest it (stemmed at load time, so any word form matches).
_LEXICON: dict[str, str] = {
    "💰": "money cost costs price prices budget pay paid dollar dollars euro cheap expensive fund "
    "funding profit revenue income salary tax taxes invest investment market economy financial",
    "📈": "growth grow grows increase increases rise rising improve improvement trend scale "
    "scaling performance gain",
    "📉": "decline decrease drop fall falling loss reduce reduction lower",
    "📊": "data dataset statistics statistic survey chart graph measure measurement metric "
    "metrics percent percentage result results evaluation analysis numbers",
    "🔬": "research experiment experiments study studies scientist scientists science lab "
    "laboratory hypothesis evidence test testing",
    "🧠": "brain mind memory learn learning think cognitive neuron neurons intelligence "
    "understand understanding psychology",
    "🤖": "ai robot robots model models neural network networks machine algorithm algorithms "
    "automation recognition",
    "💻": "code coding software program programming computer computers developer app apps "
    "server database python javascript interface",
    "🔢": "math mathematics equation equations formula number integer prime sum calculus "
    "algebra matrix matrices vector vectors function functions theorem proof",
    "📐": "geometry angle angles triangle circle shape shapes dimension dimensions space "
    "coordinate coordinates line lines plane area",
    "💉": "vaccine vaccines vaccination immune immunity antibody antibodies virus viruses "
    "infection pathogen",
    "🩺": "health doctor doctors patient patients medicine medical disease diseases hospital "
    "treatment symptom symptoms",
    "🧬": "gene genes dna cell cells protein proteins biology evolution organism",
    "🌍": "climate earth planet environment global world country countries carbon emission "
    "emissions nature",
    "⚡": "energy power electricity electric battery batteries voltage charge fast",
    "🔊": "sound audio noise microphone microphones speech acoustic acoustics voice signal",
    "🎵": "music song songs melody rhythm instrument note notes",
    "🎨": "design designer color colour colours colors style shape look button buttons aesthetic",
    "👥": "team teams group people users user customer customers community members",
    "🗓️": "meeting meetings schedule deadline plan planning agenda calendar",
    "✅": "decide decided decision agree agreed agreement approve approved conclusion",
    "⚠️": "risk risks danger dangerous problem problems warning error errors mistake mistakes "
    "bug bugs fail failure issue issues",
    "🎯": "goal goals target targets aim objective objectives focus priority strategy",
    "🛠️": "build building tool tools fix repair implement implementation engineer "
    "engineering prototype",
    "🚀": "launch speed faster quick rocket startup accelerate",
    "⚖️": "law laws legal court rule rules right rights justice policy regulation",
    "🏛️": "government minister parliament committee council public state political "
    "politics election vote",
    "🎓": "school schools student students teacher teachers education university class "
    "course teaching",
    "📚": "book books read reading history story stories write writing paper papers",
    "🍎": "food eat eating diet nutrition fruit sugar meal",
    "📱": "phone phones mobile device devices remote control screen display",
    "🔒": "security secure privacy password encryption safe safety protect protection",
    "⏱️": "timing hour hours minute minutes second seconds duration delay",
    "❓": "why question questions unknown mystery puzzle",
    "🌱": "plant plants grow seed garden farm farming agriculture",
    "🔋": "battery batteries rechargeable solar",
    "🎮": "game games play player players",
    "🗣️": "language languages word words say speak speaking conversation dialogue talk",
    "🔄": "change changes transform transformation rotate rotation cycle repeat",
    "🏥": "care nurse clinic",
    "🧪": "chemical chemistry reaction molecule molecules",
    "🌌": "universe star stars galaxy physics light gravity",
}

# Other languages' terms are unstemmed words, so singular and plural forms are both listed
# (Spanish, French, German, Italian, Portuguese; a word shared by two languages is listed once).
_WORDS: dict[str, str] = {
    "💰": "dinero precio precios coste costo costos pagar impuesto impuestos inversión mercado "
    "economía argent prix coût payer impôt impôts investissement marché économie geld preis "
    "preise kosten steuer steuern investition markt wirtschaft denaro prezzo prezzi costi "
    "tasse investimento mercato economia dinheiro preço preços custo custos imposto impostos",
    "📈": "crecimiento crecer aumento aumentar croissance augmentation wachstum wachsen "
    "anstieg crescita aumentare crescimento crescer",
    "📊": "datos estadística estadísticas porcentaje resultados données statistique "
    "statistiques pourcentage résultats daten statistik prozent ergebnisse dati statistica "
    "percentuale risultati dados estatística percentagem resultados",
    "🔬": "investigación experimento experimentos estudio estudios científico científicos "
    "ciencia recherche expérience étude études scientifique scientifiques science forschung "
    "experiment studie studien wissenschaft wissenschaftler ricerca esperimento studio studi "
    "scienza scienziati pesquisa estudo estudos ciência cientistas",
    "🧠": "cerebro mente memoria aprender aprendizaje cerveau esprit mémoire apprendre gehirn "
    "gedächtnis lernen cervello memoria imparare cérebro memória aprender",
    "🤖": "ia inteligencia algoritmo algoritmos robot robots modelo modelos intelligence "
    "algorithme algorithmes modèle modèles ki algorithmus algorithmen roboter modell modelle "
    "intelligenza algoritmi modello modelli inteligência",
    "💻": "código programa programas ordenador computadora software logiciel ordinateur "
    "programme programmes programmation computer programmierung codice programmazione "
    "computador programação",
    "🔢": "matemáticas ecuación ecuaciones número números fórmula mathématiques équation "
    "équations nombre nombres formule mathematik gleichung gleichungen zahl zahlen formel "
    "matematica equazione equazioni numero numeri formula matemática equação equações",
    "💉": "vacuna vacunas vacunación inmune inmunidad anticuerpos virus infección vaccin "
    "vaccins vaccination immunitaire immunité anticorps infection impfstoff impfung immun "
    "immunität antikörper infektion vaccino vaccini immunità anticorpi infezione vacina "
    "vacinas vacinação imunidade anticorpos infecção",
    "🩺": "salud médico médicos paciente pacientes enfermedad enfermedades hospital santé "
    "médecin médecins patient patients maladie maladies hôpital gesundheit arzt ärzte "
    "patienten krankheit krankheiten krankenhaus salute medico medici pazienti malattia "
    "malattie ospedale saúde doença doenças",
    "🧬": "gen genes célula células proteína proteínas adn gène gènes cellule cellules "
    "protéine protéines gene zelle zellen protein proteine dna cellula cellule proteina "
    "geni",
    "🌍": "clima tierra planeta medio ambiente carbono emisiones naturaleza climat terre "
    "planète environnement carbone émissions nature klima erde planet umwelt kohlenstoff "
    "emissionen natur pianeta ambiente carbonio emissioni natura terra emissões",
    "⚡": "energía electricidad eléctrico énergie électricité électrique energie strom "
    "elektrisch energia elettricità elettrico eletricidade elétrico",
    "🎵": "música canción canciones musique chanson chansons musik lied lieder musica "
    "canzone canzoni canção canções",
    "👥": "equipo equipos gente personas usuarios clientes comunidad équipe équipes gens "
    "personnes utilisateurs clients communauté team menschen leute nutzer kunden "
    "gemeinschaft squadra persone utenti clienti comunità equipe pessoas usuários "
    "comunidade",
    "🗓️": "reunión reuniones plan planificación agenda calendario réunion réunions "
    "planification calendrier besprechung sitzung termin kalender riunione riunioni "
    "pianificazione reunião reuniões planejamento",
    "⚠️": "riesgo riesgos peligro problema problemas error errores risque risques danger "
    "problème problèmes erreur erreurs risiko risiken gefahr problem probleme fehler "
    "rischio rischi pericolo errore errori risco riscos perigo erro erros",
    "🎯": "objetivo objetivos meta metas estrategia objectif objectifs but stratégie ziel "
    "ziele strategie obiettivo obiettivi strategia",
    "🛠️": "construir herramienta herramientas construire outil outils bauen werkzeug "
    "werkzeuge costruire strumento strumenti ferramenta ferramentas",
    "⚖️": "ley leyes derecho derechos justicia tribunal loi lois droit droits justice "
    "gesetz gesetze recht rechte gericht legge leggi diritto diritti giustizia lei leis "
    "direito direitos justiça",
    "🏛️": "gobierno ministro parlamento política político elecciones voto gouvernement "
    "ministre parlement politique élections vote regierung minister parlament politik wahl "
    "wahlen governo elezioni eleições",
    "🎓": "escuela escuelas estudiante estudiantes profesor profesores educación "
    "universidad école écoles étudiant étudiants professeur éducation université schule "
    "schulen student studenten lehrer bildung universität scuola scuole studente studenti "
    "insegnante istruzione università escola escolas estudantes professores educação",
    "📚": "libro libros leer historia escribir livre livres lire histoire écrire buch "
    "bücher lesen geschichte schreiben libri leggere storia scrivere livro livros ler "
    "história escrever",
    "🍎": "comida comer dieta fruta azúcar nourriture manger régime fruit sucre essen "
    "ernährung obst zucker cibo mangiare frutta zucchero alimentação açúcar",
    "📱": "teléfono móvil pantalla téléphone portable écran telefon handy bildschirm "
    "telefono cellulare schermo telefone celular tela",
    "🔒": "seguridad privacidad contraseña sécurité confidentialité sicherheit "
    "datenschutz passwort sicurezza segurança privacidade senha",
    "⏱️": "hora horas minuto minutos segundo segundos heure heures minute minutes "
    "seconde secondes stunde stunden minuten sekunden ora ore minuti secondi",
    "🌱": "planta plantas semilla jardín agricultura plante plantes graine jardin pflanze "
    "pflanzen samen garten landwirtschaft pianta piante seme giardino semente",
    "🎮": "juego juegos jugador jugadores jeu jeux joueur joueurs spiel spiele spieler "
    "gioco giochi giocatore jogo jogos jogador",
    "🗣️": "idioma idiomas lengua palabra palabras hablar langue langues mot mots parler "
    "sprache sprachen wort wörter sprechen lingua lingue parola parole parlare palavra "
    "palavras falar",
    "🔄": "cambio cambios cambiar changement changements changer änderung veränderung "
    "ändern cambiamento cambiamenti cambiare mudança mudanças mudar",
    "🧪": "química reacción molécula moléculas chimie réaction molécule molécules chemie "
    "reaktion molekül moleküle chimica reazione molecola molecole reação",
    "🌌": "universo estrella estrellas galaxia física luz gravedad univers étoile étoiles "
    "galaxie physique lumière gravité universum stern sterne galaxie physik licht "
    "schwerkraft stella stelle fisica luce gravità estrela estrelas galáxia gravidade",
}


@lru_cache(maxsize=1)
def _index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for emoji, keywords in _LEXICON.items():
        for word in keywords.split():
            index.setdefault(stem(word), []).append(emoji)
    return index


@lru_cache(maxsize=1)
def _word_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for emoji, keywords in _WORDS.items():
        for word in dict.fromkeys(keywords.split()):
            index.setdefault(word, []).append(emoji)
    return index


def pick_emoji(terms: list[str], avoid: set[str] | None = None, language: str = "en") -> str:
    """The emoji whose keywords best match the sentence's terms; prefers ones not used yet."""
    index = _index() if language.split("-")[0] == "en" else _word_index()
    scores: dict[str, float] = {}
    for position, term in enumerate(terms):
        for emoji in index.get(term, ()):
            scores[emoji] = scores.get(emoji, 0.0) + 1.0 + 0.01 / (1 + position)
    if not scores:
        return DEFAULT_EMOJI
    ranked = sorted(scores, key=lambda e: (-scores[e], e))
    if avoid:
        fresh = [e for e in ranked if e not in avoid and scores[e] >= scores[ranked[0]] * 0.5]
        if fresh:
            return fresh[0]
    return ranked[0]
