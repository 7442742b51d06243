"""The default rubric (DESIGN.md): seven criteria drawn from what the juries wrote in 2001–2023."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CriterionDefinition:
    name: str
    name_en: str
    description: str
    levels: tuple[str, str, str, str, str]  # what a 0, 1, 2, 3 and 4 mean
    weight: Decimal = Decimal(1)


DEFAULT_RUBRIC: tuple[CriterionDefinition, ...] = (
    CriterionDefinition(
        name="Ledarskap och styrning",
        name_en="Leadership and governance",
        description=(
            "Starkt och tydligt ledarskap: digitaliseringen leds från ledningen och är en del av "
            "kommunens styrning, inte ett sidoprojekt."
        ),
        levels=(
            "Inget synligt ledarskap för digitaliseringen.",
            "Enskilda chefer driver frågan; ledningen styr inte.",
            "Ledningen har mål för digitaliseringen, men styrningen når inte hela organisationen.",
            "Tydligt ledarskap och en styrning som omfattar hela kommunen.",
            "Starkt och kompetent ledarskap som gjort digitaliseringen till en del av hur hela "
            "kommunen styrs.",
        ),
    ),
    CriterionDefinition(
        name="Kultur, kompetens och förmåga",
        name_en="Culture, skills and capability",
        description=(
            "Förflyttning av kultur, kompetens och förmåga; medarbetarnas digitala kompetens höjs."
        ),
        levels=(
            "Inga insatser för kultur eller kompetens.",
            "Enstaka utbildningsinsatser.",
            "Planerad kompetensutveckling i delar av organisationen.",
            "Bred kompetensutveckling och en kultur som bär förändringen.",
            "En tydlig förflyttning av kultur, kompetens och förmåga i hela organisationen.",
        ),
    ),
    CriterionDefinition(
        name="Nytta för invånare, medarbetare och företag",
        name_en="Value for residents, staff and businesses",
        description=(
            "Värdet för invånare och medarbetare sätts i första rummet; bättre service till "
            "medborgare och företag."
        ),
        levels=(
            "Ingen visad nytta för dem kommunen finns till för.",
            "Nyttan är beskriven men inte visad.",
            "Visad nytta i enskilda tjänster.",
            "Visad nytta i flera verksamheter, utformad tillsammans med invånare och medarbetare.",
            "Nyttan för invånare, medarbetare och företag styr arbetet och är mätt och visad.",
        ),
    ),
    CriterionDefinition(
        name="Samverkan och delning",
        name_en="Collaboration and sharing",
        description=(
            "Delar med sig och samarbetar brett; bygger starka allianser, gärna i hela länet."
        ),
        levels=(
            "Arbetar ensam.",
            "Enstaka samarbeten.",
            "Samverkar med andra kommuner eller aktörer i vissa frågor.",
            "Samverkar brett och delar lösningar och erfarenheter.",
            "Driver samverkan som andra bygger på; delar öppet och bygger starka allianser.",
        ),
    ),
    CriterionDefinition(
        name="Innovation och mod",
        name_en="Innovation and courage",
        description="Mod, nyfikenhet och innovationsförmåga; vågar pröva nytt.",
        levels=(
            "Inga nya grepp.",
            "Följer efter andra.",
            "Prövar nya lösningar i liten skala.",
            "Prövar nytt systematiskt och lär av det som inte fungerar.",
            "Banbrytande: vågar gå först och visar vägen för andra.",
        ),
    ),
    CriterionDefinition(
        name="Resultat och hållbarhet",
        name_en="Results and sustainability",
        description=(
            "Når resultat på riktigt; sparar på energin, klimatet och skattemedlen med minsta "
            "möjliga resurser."
        ),
        levels=(
            "Inga redovisade resultat.",
            "Aktiviteter men inga mätta resultat.",
            "Mätta resultat i enskilda delar.",
            "Tydliga resultat som håller över tid.",
            "Resultat på riktigt, som gör skillnad för ekonomin, miljön och klimatet.",
        ),
    ),
    CriterionDefinition(
        name="Demokrati och delaktighet",
        name_en="Democracy and participation",
        description="Förnyar demokratin; insyn, valfrihet och invånarnas delaktighet.",
        levels=(
            "Inget arbete med demokrati eller delaktighet.",
            "Information på nätet, men ingen delaktighet.",
            "Vissa digitala möjligheter för invånarna att påverka.",
            "Insyn och delaktighet är en del av tjänsterna.",
            "Förnyar demokratin: invånarna har insyn, valfrihet och är delaktiga på riktigt.",
        ),
    ),
)
