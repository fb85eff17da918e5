"""A synthetic daily news wire: N dated articles over consecutive days, some reporting the same event.

    python bench/synthetic_wire.py OUT_DIR [--articles 10000] [--days 10] [--seed 0]
                                   [--start 2013-03-01] [--repeat-share 0.3] [--force]

Writes `OUT_DIR/NNNNNN.md`, each with YAML front matter (`title`, `date`, `outlet`; `date` is
what dates an article for the loader) and a body of 300 to 900 words (12 to 40 sentences) of
news-like English: casualty counts, troop numbers, weekdays and dates, titled people (invented
ones, and real office holders with their real titles on dates within their terms), quotes and
background without numbers, drawn from some 140 sentence templates (`TEMPLATE_COUNT`) with choices
inside them, and lists of places, people and organisations. The same number of articles (one more on the first days when they do
not divide) is dated each day.

Every article reports one event (a place, a kind of incident, a day). A share of the articles
(`--repeat-share`) report an event another article reported on the same or the previous day, with
the same place, names and quotes but disagreeing figures (one says 23 killed, another 31), and
sometimes a sentence copied verbatim from the same wire copy; the other articles report events of
their own. The groups of articles about one event, with the figures each gives, are written to
`OUT_DIR/../<OUT_DIR name>.truth.json` (outside the folder, so it is not read as an article).

The same arguments give byte-identical output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# ---- names -----------------------------------------------------------------------------------

FIRST = [
    "Amadou", "Ibrahim", "Moussa", "Oumar", "Fatoumata", "Aminata", "Mariam", "Seydou", "Boubacar", "Abdoulaye",
    "Hassan", "Omar", "Khalid", "Yusuf", "Layla", "Samira", "Nadia", "Tariq", "Bilal", "Karim",
    "Ahmad", "Farid", "Rahim", "Zainab", "Gulalai", "Imran", "Asif", "Shirin", "Javed", "Nasreen",
    "Chinedu", "Emeka", "Ngozi", "Babatunde", "Aisha", "Musa", "Halima", "Sani", "Bello", "Kwame",
    "Wanjiru", "Otieno", "Achieng", "Abdi", "Hodan", "Farah", "Mohamed", "Ayaan", "Liban", "Sahra",
    "Carlos", "Lucia", "Mateo", "Gabriela", "Andres", "Paola", "Diego", "Camila", "Javier", "Rosa",
    "Pierre", "Claire", "Julien", "Sophie", "Laurent", "Isabelle", "Thomas", "Anne", "Marc", "Nathalie",
    "Adama", "Salif", "Issouf", "Rokia", "Kadiatou", "Hamza", "Mustafa", "Rania", "Walid", "Huda",
    "Habib", "Nazia", "Obinna", "Funmilayo", "Tunde", "Zawadi", "Jomo", "Faith", "Joseph", "Grace",
    "Alejandro", "Valentina", "Felipe", "Ximena", "Hugo", "Manon", "Kyaw", "Thida", "Rajesh", "Anjali",
    "Rodrigo", "Maria", "Jose", "Ana", "Ramon", "Elena", "Arjun", "Priya", "Ravi", "Sunita",
]
LAST = [
    "Traore", "Diallo", "Keita", "Coulibaly", "Sangare", "Toure", "Cisse", "Maiga", "Dembele", "Sidibe",
    "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Jaber", "Qasim", "Barakat", "Darwish", "Hamdan",
    "Karimi", "Rahmani", "Noori", "Sultani", "Wardak", "Qureshi", "Malik", "Chaudhry", "Siddiqui", "Baloch",
    "Okafor", "Adeyemi", "Abubakar", "Danjuma", "Eze", "Ogunleye", "Mohammed", "Usman", "Bako", "Mensah",
    "Kamau", "Mwangi", "Ochieng", "Wafula", "Hussein", "Warsame", "Jama", "Abdullahi", "Farah", "Osman",
    "Gutierrez", "Morales", "Castillo", "Herrera", "Vargas", "Rojas", "Mendoza", "Ortega", "Salazar", "Navarro",
    "Moreau", "Lefebvre", "Girard", "Bonnet", "Mercier", "Fontaine", "Chevalier", "Rousseau", "Blanchard", "Garnier",
    "Reyes", "Santos", "Bautista", "Villanueva", "Aquino", "Sharma", "Verma", "Iyer", "Naidu", "Kapoor",
    "Ouedraogo", "Kabore", "Sawadogo", "Zongo", "Compaore", "Issa", "Hamani", "Moussa", "Garba", "Idrissa",
    "Al-Khatib", "Haidari", "Shinwari", "Popalzai", "Yousafzai", "Afridi", "Mengal", "Bugti", "Nwosu", "Okonkwo",
    "Balogun", "Adebayo", "Olawale", "Nnamdi", "Yakubu", "Tanko", "Gathoni", "Njoroge", "Kiprono", "Achieng",
    "Mugabo", "Habimana", "Niyonzima", "Kabila", "Lukusa", "Mbala", "Ilunga", "Tshibanda", "Deng", "Garang",
    "Lual", "Makuei", "Ayala", "Cardenas", "Duarte", "Escobar", "Fuentes", "Ibarra", "Lozano", "Paredes",
    "Quintero", "Serrano", "Valdez", "Zamora", "Dumont", "Lemaire", "Perrin", "Renaud", "Tessier", "Vidal",
    "Aung", "Thein", "Win", "Hlaing", "Rahman", "Hossain", "Chowdhury", "Islam", "Talukder", "Bhuiyan",
    "Pradhan", "Thapa", "Gurung", "Shrestha", "Tamang", "Okello", "Mugisha", "Byaruhanga", "Ssempala", "Kato",
]
JOBS = ["shopkeeper", "teacher", "taxi driver", "student", "nurse", "farmer", "trader", "mechanic", "fisherman",
        "tailor", "construction worker", "market vendor", "pharmacist", "bus driver", "retired civil servant"]

# (city, region, country, national adjective)
PLACES = [
    ("Gao", "Gao region", "Mali", "Malian"), ("Kidal", "Kidal region", "Mali", "Malian"),
    ("Timbuktu", "Timbuktu region", "Mali", "Malian"), ("Mopti", "Mopti region", "Mali", "Malian"),
    ("Agadez", "Agadez region", "Niger", "Nigerien"), ("Diffa", "Diffa region", "Niger", "Nigerien"),
    ("Tillaberi", "Tillaberi region", "Niger", "Nigerien"), ("Dori", "Sahel region", "Burkina Faso", "Burkinabe"),
    ("Maiduguri", "Borno state", "Nigeria", "Nigerian"), ("Kano", "Kano state", "Nigeria", "Nigerian"),
    ("Jos", "Plateau state", "Nigeria", "Nigerian"), ("Damaturu", "Yobe state", "Nigeria", "Nigerian"),
    ("Aleppo", "Aleppo province", "Syria", "Syrian"), ("Homs", "Homs province", "Syria", "Syrian"),
    ("Idlib", "Idlib province", "Syria", "Syrian"), ("Deir el-Zour", "Deir el-Zour province", "Syria", "Syrian"),
    ("Mosul", "Nineveh province", "Iraq", "Iraqi"), ("Kirkuk", "Kirkuk province", "Iraq", "Iraqi"),
    ("Baquba", "Diyala province", "Iraq", "Iraqi"), ("Ramadi", "Anbar province", "Iraq", "Iraqi"),
    ("Kandahar", "Kandahar province", "Afghanistan", "Afghan"), ("Kunduz", "Kunduz province", "Afghanistan", "Afghan"),
    ("Lashkar Gah", "Helmand province", "Afghanistan", "Afghan"), ("Jalalabad", "Nangarhar province", "Afghanistan", "Afghan"),
    ("Peshawar", "Khyber Pakhtunkhwa", "Pakistan", "Pakistani"), ("Quetta", "Baluchistan", "Pakistan", "Pakistani"),
    ("Karachi", "Sindh province", "Pakistan", "Pakistani"), ("Mogadishu", "Banadir region", "Somalia", "Somali"),
    ("Kismayo", "Lower Juba region", "Somalia", "Somali"), ("Baidoa", "Bay region", "Somalia", "Somali"),
    ("Garissa", "North Eastern province", "Kenya", "Kenyan"), ("Mombasa", "Coast province", "Kenya", "Kenyan"),
    ("Benghazi", "Cyrenaica", "Libya", "Libyan"), ("Sirte", "Sirte district", "Libya", "Libyan"),
    ("Aden", "Aden governorate", "Yemen", "Yemeni"), ("Marib", "Marib governorate", "Yemen", "Yemeni"),
    ("Goma", "North Kivu province", "Democratic Republic of Congo", "Congolese"),
    ("Bunia", "Ituri province", "Democratic Republic of Congo", "Congolese"),
    ("Nyala", "South Darfur", "Sudan", "Sudanese"), ("Malakal", "Upper Nile state", "South Sudan", "South Sudanese"),
    ("Port Said", "Port Said governorate", "Egypt", "Egyptian"), ("Arish", "North Sinai", "Egypt", "Egyptian"),
    ("Zamboanga", "Mindanao", "Philippines", "Philippine"), ("Cotabato", "Mindanao", "Philippines", "Philippine"),
    ("Srinagar", "Kashmir", "India", "Indian"), ("Dantewada", "Chhattisgarh", "India", "Indian"),
    ("Sylhet", "Sylhet division", "Bangladesh", "Bangladeshi"), ("Chittagong", "Chittagong division", "Bangladesh", "Bangladeshi"),
    ("Popayan", "Cauca department", "Colombia", "Colombian"), ("Tumaco", "Narino department", "Colombia", "Colombian"),
    ("Culiacan", "Sinaloa state", "Mexico", "Mexican"), ("Acapulco", "Guerrero state", "Mexico", "Mexican"),
    ("Ya'an", "Sichuan province", "China", "Chinese"), ("Padang", "West Sumatra", "Indonesia", "Indonesian"),
    ("Kathmandu", "Bagmati zone", "Nepal", "Nepalese"), ("Bujumbura", "Bujumbura province", "Burundi", "Burundian"),
    ("Menaka", "Menaka region", "Mali", "Malian"), ("Segou", "Segou region", "Mali", "Malian"),
    ("Zinder", "Zinder region", "Niger", "Nigerien"), ("Djibo", "Sahel region", "Burkina Faso", "Burkinabe"),
    ("Bama", "Borno state", "Nigeria", "Nigerian"), ("Kaduna", "Kaduna state", "Nigeria", "Nigerian"),
    ("Potiskum", "Yobe state", "Nigeria", "Nigerian"), ("Hama", "Hama province", "Syria", "Syrian"),
    ("Daraa", "Daraa province", "Syria", "Syrian"), ("Raqqa", "Raqqa province", "Syria", "Syrian"),
    ("Tikrit", "Salahuddin province", "Iraq", "Iraqi"), ("Falluja", "Anbar province", "Iraq", "Iraqi"),
    ("Hilla", "Babil province", "Iraq", "Iraqi"), ("Ghazni", "Ghazni province", "Afghanistan", "Afghan"),
    ("Herat", "Herat province", "Afghanistan", "Afghan"), ("Khost", "Khost province", "Afghanistan", "Afghan"),
    ("Bannu", "Khyber Pakhtunkhwa", "Pakistan", "Pakistani"), ("Parachinar", "Kurram agency", "Pakistan", "Pakistani"),
    ("Beledweyne", "Hiran region", "Somalia", "Somali"), ("Lamu", "Coast province", "Kenya", "Kenyan"),
    ("Derna", "Cyrenaica", "Libya", "Libyan"), ("Sabha", "Fezzan", "Libya", "Libyan"),
    ("Taiz", "Taiz governorate", "Yemen", "Yemeni"), ("Beni", "North Kivu province", "Democratic Republic of Congo", "Congolese"),
    ("Bukavu", "South Kivu province", "Democratic Republic of Congo", "Congolese"),
    ("El Fasher", "North Darfur", "Sudan", "Sudanese"), ("Bor", "Jonglei state", "South Sudan", "South Sudanese"),
    ("Bangui", "Ombella-M'Poko", "Central African Republic", "Central African"),
    ("Bambari", "Ouaka prefecture", "Central African Republic", "Central African"),
    ("Minya", "Minya governorate", "Egypt", "Egyptian"), ("Jolo", "Sulu province", "Philippines", "Philippine"),
    ("Tacloban", "Leyte province", "Philippines", "Philippine"), ("Imphal", "Manipur", "India", "Indian"),
    ("Gaya", "Bihar", "India", "Indian"), ("Rangpur", "Rangpur division", "Bangladesh", "Bangladeshi"),
    ("Savar", "Dhaka division", "Bangladesh", "Bangladeshi"), ("Arauca", "Arauca department", "Colombia", "Colombian"),
    ("Medellin", "Antioquia department", "Colombia", "Colombian"), ("Ciudad Juarez", "Chihuahua state", "Mexico", "Mexican"),
    ("Morelia", "Michoacan state", "Mexico", "Mexican"), ("Lushan", "Sichuan province", "China", "Chinese"),
    ("Aceh", "Aceh province", "Indonesia", "Indonesian"), ("Pokhara", "Gandaki zone", "Nepal", "Nepalese"),
    ("Cap-Haitien", "Nord department", "Haiti", "Haitian"), ("Gonaives", "Artibonite department", "Haiti", "Haitian"),
    ("Mandalay", "Mandalay region", "Myanmar", "Myanmar"), ("Sittwe", "Rakhine state", "Myanmar", "Myanmar"),
    ("Gulu", "Northern region", "Uganda", "Ugandan"), ("Kasese", "Western region", "Uganda", "Ugandan"),
]
SITES = ["market", "police station", "bus station", "checkpoint", "mosque", "army base", "government building",
         "hotel", "restaurant", "football field", "school", "hospital", "wedding party", "funeral",
         "recruitment centre", "university campus", "fuel depot", "border post"]
GROUPS = ["the Movement for Unity and Jihad", "the Northern Liberation Front", "the Free Valley Brigades",
          "the People's Defence Committees", "the Eastern Shura Council", "the Ansar al-Qalam militia",
          "the Black Banner Battalion", "the Sons of the River", "the Revolutionary Guard of the South",
          "the Green Mountain Army", "the United Tribal Alliance", "the Martyrs of the Dawn brigade"]
AGENCIES = ["the International Committee of the Red Cross", "the U.N. refugee agency", "Medecins Sans Frontieres",
            "the World Food Programme", "Save the Children", "the International Organization for Migration",
            "the Red Crescent", "UNICEF", "Human Rights Watch", "Amnesty International"]
OUTLETS = ["Meridian Wire", "Sahel Daily Dispatch", "Continental Press Service", "The Evening Courier",
           "Global News Agency", "Harbour Times", "The Frontier Post Wire", "Northern Star Bulletin",
           "Atlas Reporting Service", "The Morning Ledger", "Crossroads News", "Equator Wire Service",
           "The Daily Sentinel", "Delta Press Agency", "Summit Newswire", "Riverside Gazette"]
INSTITUTES = ["the Institute for Security Studies", "the Centre for Conflict Research", "the University of Dakar",
              "the International Crisis Group", "the Sahel Policy Forum", "King's College London",
              "the Global Risk Institute", "the Regional Studies Centre", "the Peace Research Institute",
              "the Humanitarian Policy Group"]
LOCAL_ROLES = ["community leader", "local councillor", "rights activist", "local journalist", "youth leader",
               "religious leader", "trader", "school headmaster", "village chief", "women's group organiser"]
HOSPITALS = ["the main regional hospital", "the city's central hospital", "a military hospital",
             "a field clinic run by aid workers", "the university hospital", "the Red Crescent clinic"]

# Real office holders with their titles as the press gave them, mentioned only on dates within their terms.
REAL_PEOPLE = [  # (words, start, end or None, country it is local to or None)
    ("French President Francois Hollande", "2012-05-15", "2017-05-14", None),
    ("French Prime Minister Jean-Marc Ayrault", "2012-05-15", "2014-03-31", None),
    ("French Defence Minister Jean-Yves Le Drian", "2012-05-16", "2017-05-17", None),
    ("French Foreign Minister Laurent Fabius", "2012-05-16", "2016-02-11", None),
    ("U.S. President Barack Obama", "2009-01-20", "2017-01-20", None),
    ("U.S. Secretary of State John Kerry", "2013-02-01", "2017-01-20", None),
    ("U.N. Secretary-General Ban Ki-moon", "2007-01-01", "2016-12-31", None),
    ("German Chancellor Angela Merkel", "2005-11-22", "2021-12-08", None),
    ("British Prime Minister David Cameron", "2010-05-11", "2016-07-13", None),
    ("EU foreign policy chief Catherine Ashton", "2009-12-01", "2014-10-31", None),
    ("NATO Secretary-General Anders Fogh Rasmussen", "2009-08-01", "2014-09-30", None),
    ("Malian interim President Dioncounda Traore", "2012-04-12", "2013-09-04", "Mali"),
    ("Malian Prime Minister Django Sissoko", "2012-12-11", "2013-09-05", "Mali"),
    ("Nigerien President Mahamadou Issoufou", "2011-04-07", "2021-04-02", "Niger"),
    ("Nigerien Prime Minister Brigi Rafini", "2011-04-07", "2021-04-03", "Niger"),
    ("Burkina Faso President Blaise Compaore", "1987-10-15", "2014-10-31", "Burkina Faso"),
    ("Nigerian President Goodluck Jonathan", "2010-05-06", "2015-05-29", "Nigeria"),
    ("Afghan President Hamid Karzai", "2004-12-07", "2014-09-29", "Afghanistan"),
    ("Somali President Hassan Sheikh Mohamud", "2012-09-16", "2017-02-16", "Somalia"),
    ("Egyptian President Mohamed Morsi", "2012-06-30", "2013-07-03", "Egypt"),
    ("Pakistani Prime Minister Nawaz Sharif", "2013-06-05", "2017-07-28", "Pakistan"),
    ("Kenyan President Uhuru Kenyatta", "2013-04-09", "2022-09-13", "Kenya"),
]
# Invented people get offices the reference table does not cover (no president or prime minister).
OFFICIALS = ["Interior Minister", "Defence Minister", "Information Minister", "Health Minister",
             "Security Minister", "regional governor", "provincial governor", "police chief", "district commissioner",
             "Mayor", "deputy governor", "civil protection director", "army commander General"]
SPOKES = ["army spokesman Colonel", "police spokesman", "military spokesman Major", "interior ministry spokesman",
          "government spokesperson", "provincial spokesman", "health ministry spokesperson", "rescue services spokesman"]

# ---- incidents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    family: str  # "attack", "fighting", "accident" or "disaster": which templates fit
    headline: str  # "the {headline} in Gao"
    what: str  # "... when {what} in Gao"
    victims: str  # who the lead counts
    site: bool = False  # `what` names the site
    causes: tuple[str, ...] = ()  # what witnesses blame, for accidents


KINDS = {
    "car bomb": Kind("attack", "car bomb", "a car bomb exploded near a {site}", "people", site=True),
    "suicide bombing": Kind("attack", "suicide bombing", "a suicide bomber blew himself up at a {site}", "people", site=True),
    "roadside bomb": Kind("attack", "roadside bomb", "a roadside bomb struck a military convoy", "soldiers"),
    "ambush": Kind("attack", "ambush", "gunmen ambushed an army patrol", "soldiers"),
    "gun attack": Kind("attack", "gun attack", "gunmen opened fire at a {site}", "people", site=True),
    "grenade attack": Kind("attack", "grenade attack", "attackers threw grenades into a crowded {site}", "people", site=True),
    "air strike": Kind("fighting", "air strike", "an air strike hit a {site}", "civilians", site=True),
    "shelling": Kind("fighting", "shelling", "shells fell on a crowded {site}", "civilians", site=True),
    "clashes": Kind("fighting", "fighting", "fighting broke out between the army and rebels", "people"),
    "bus crash": Kind("accident", "bus crash", "a crowded bus plunged off a road", "passengers",
                      causes=("the driver had been speeding", "the bus had been overloaded", "the brakes had failed")),
    "ferry sinking": Kind("accident", "ferry sinking", "an overloaded ferry capsized on a river", "passengers",
                           causes=("the ferry had been carrying twice as many passengers as allowed",
                                   "the engine had failed in strong currents")),
    "market fire": Kind("accident", "market fire", "a fire swept through a crowded market", "people",
                         causes=("the fire had started at a stall selling fuel", "an electrical fault had started the blaze")),
    "factory fire": Kind("accident", "factory fire", "a fire broke out in a garment factory", "workers",
                          causes=("the emergency exits had been locked", "an electrical fault had started the blaze")),
    "building collapse": Kind("accident", "building collapse", "a building under construction collapsed", "workers",
                               causes=("extra floors had been added without permits",
                                       "cracks had appeared in the walls days earlier")),
    "mine collapse": Kind("accident", "mine collapse", "a gold mine collapsed", "miners",
                           causes=("heavy rain had weakened the walls of the pit", "the shafts had been dug without supports")),
    "train crash": Kind("accident", "train crash", "a passenger train derailed", "passengers",
                         causes=("the train had been travelling too fast", "a section of track had been damaged")),
    "flood": Kind("disaster", "flood", "flash floods swept through low-lying districts", "people"),
    "landslide": Kind("disaster", "landslide", "a landslide buried a village after days of heavy rain", "villagers"),
    "earthquake": Kind("disaster", "earthquake", "a strong earthquake shook the region", "people"),
    "storm": Kind("disaster", "storm", "a violent storm tore through the area", "people"),
}
KIND_NAMES = list(KINDS)
VIOLENT = ("attack", "fighting")

# ---- sentence templates ----------------------------------------------------------------------
# Fields: place, region, country, adj, when (how the event's day is given), when_short ("on
# Tuesday"), said_day (the article's weekday), headline, what, site, victims, killed (hedged),
# killed_n, wounded, troops, displaced, arrested, children, official, spokes, witness, witness_last,
# job, group, agency, hospital, real, official_quote, spokes_quote, witness_quote, witness_quote2,
# reaction, outlet_name, past_year, past_killed, past_killed2, other_killed, other_place.
# "[a|b|c]" is one of a, b or c, chosen anew for every sentence.

LEADS = {
    "attack": [
        "At least {killed_n} {victims} were killed and {wounded} wounded when {what} in {place} {when}, [officials|police|security sources] said.",
        "{killed} {victims} were killed {when} when {what} in the {adj} city of {place}, {spokes} said.",
        "{what} in {place} {when}, killing {killed} {victims} and wounding {wounded}, according to {official}.",
        "The {headline} in {place} {when} killed {killed} {victims} and wounded {wounded}, [security sources|officials|hospital sources] said.",
        "{killed} {victims} died and {wounded} were injured after {what} in {place}, in the {region}, {when}.",
        "Officials in {place} said {killed} {victims} were killed {when} after {what}.",
        "{what} in {place} {when}, leaving {killed} {victims} dead, {spokes} told reporters.",
        "The {headline} killed {killed} {victims} in {place} {when}, the [latest|deadliest] violence to hit the {region} [this month|in weeks|in months].",
        "{official} said {said_day} that {killed} {victims} had been killed when {what} in {place} {when}.",
    ],
    "fighting": [
        "At least {killed_n} {victims} were killed and {wounded} wounded when {what} in {place} {when}, [activists|residents|medical sources] said.",
        "{killed} {victims} were killed {when} when {what} in the {adj} city of {place}, [a monitoring group|local officials|witnesses] said.",
        "{what} in {place} {when}, killing {killed} {victims}, according to {agency}.",
        "The {headline} in {place} {when} killed {killed} {victims} and wounded {wounded}, [activists|doctors|local officials] said.",
        "{killed} {victims} died in {place}, in the {region}, {when} after {what}, {official} said.",
        "{official} said {said_day} that {killed} {victims} had died when {what} in {place} {when}.",
    ],
    "accident": [
        "At least {killed_n} {victims} were killed and {wounded} injured when {what} near {place} {when}, officials said.",
        "{killed} {victims} died {when} after {what} outside {place}, {official} said.",
        "Rescue workers recovered the bodies of {killed} {victims} after {what} near {place} {when}.",
        "{what} near {place} {when}, killing {killed} {victims} and injuring {wounded}, {spokes} said.",
        "The {headline} near {place} {when} left {killed} {victims} dead and {wounded} hurt, [local authorities|police|the fire service] said.",
        "{killed} {victims} were killed in {place}, in the {region}, {when} when {what}.",
        "{official} said {said_day} that {killed} {victims} had been killed when {what} near {place} {when}.",
    ],
    "disaster": [
        "At least {killed_n} people were killed and {displaced} forced from their homes after {what} in the {region} {when}.",
        "{killed} people died {when} when {what} around {place}, {official} said.",
        "The {headline} that hit {place} {when} killed {killed} people and injured {wounded}, officials said.",
        "{what} {when}, killing {killed} people in and around {place}, {spokes} said.",
        "Rescuers searched for survivors after {what} near {place} {when}, killing {killed} people.",
        "{killed} people were killed and about {displaced} displaced after {what} in the {region} {when}.",
    ],
}
CASUALTIES = [
    "{official} said {wounded} people had been taken to {hospital}, some of them in [critical|serious] condition[|, and that surgeons had been called in from neighbouring towns| and unable to speak to investigators].",
    "{medic}, [a doctor|a surgeon|the head of emergencies] at {hospital}, said they had received {wounded} wounded[| in the hours after the {headline}| by nightfall], [many|most|several] of them [young men|women and children|residents of {place}].",
    "The wounded, {wounded} in all according to {agency}, were taken to {hospital}[| and to smaller clinics around {place}| in private cars and on the backs of motorcycles].",
    "{spokes} said the number of dead could rise because several of the {wounded} injured were in [serious|critical] condition[| and some had been flown to the capital| and were still being operated on].",
    "Doctors at {hospital} said they were treating {wounded} people {when_short}, [many|several|most] of them [with burns|with broken bones|with head injuries][| and some of them children| and that they were running short of staff].",
    "{medic}, a [nurse|doctor|volunteer] at {hospital}, said the wards were full and that [blood supplies|medicines|beds] were running low[|, and appealed for donors to come forward| as more injured arrived through the night].",
    "Relatives of the victims of the {headline} gathered outside {hospital} in {place} {when_short}, [searching lists of the dead and injured|waiting for news of the missing|demanding information from the authorities][| as police tried to keep the crowd back|, some of them weeping].",
]
CHILDREN = [
    "Among the dead were {children} children, [{official}|{spokes}|{medic} at {hospital}] said[|, adding that several of them had been on their way to school| on condition of anonymity].",
    "{children} of the victims of the {headline} in {place} were children, according to {agency}, which said [families|residents] were [struggling to bury their dead|still looking for missing relatives].",
]
TROOPS = [
    "The government sent {troops} troops to {place} to restore order, {official} said[|, and imposed a curfew from dusk to dawn| late on {weekday}].",
    "About {troops} soldiers were deployed to the {region} {when_short}, the {adj} army said[| in a statement, without giving further details|, as residents reported gunfire on the outskirts of {place}].",
    "{spokes} said {troops} troops had been sent to reinforce positions around {place}[| and along the main road to the capital| after reports that the attackers were regrouping].",
    "The army said it had deployed {troops} soldiers and [several armoured vehicles|two helicopters|special forces units] to secure the area[| around {place}| and search nearby villages].",
    "An additional {troops} police officers were sent to {place} to [guard government buildings|man checkpoints|patrol the streets][| and markets| during the coming days], {spokes} said.",
    "The {adj} military said {troops} troops were taking part in the [search for the attackers|operation|hunt for the gunmen][|, which was being carried out with the help of local militias| in the {region}].",
]
RESCUE = [
    "About {troops} soldiers and rescue workers were sent to {place} to help [search for survivors|clear the debris|evacuate residents][|, working through the night under floodlights| as relatives waited nearby].",
    "{official} said {troops} troops had been deployed to assist the rescue effort in the {region}[|, where many roads were impassable| alongside volunteers and firefighters].",
    "The army sent {troops} soldiers with heavy equipment to [clear the debris|reopen the roads|reach cut-off villages], {spokes} said[|, but progress was slow| on {weekday}].",
]
DISPLACED = [
    "{agency} said about {displaced} people had fled their homes in the {region}[| and were in urgent need of shelter, food and clean water| in the days since the {headline}].",
    "Some {displaced} residents have been displaced and are sheltering in [schools|mosques|churches|tents], officials said[|, and many have lost all their belongings| as aid trickles in].",
    "An estimated {displaced} people were left homeless around {place}, according to {agency}[|, which warned of a risk of disease in the crowded camps| and local officials].",
    "{spokes} said {displaced} people had been evacuated from villages near {place}[| as a precaution| and taken to temporary camps outside the town].",
]
ARRESTS = [
    "Police said they had arrested {arrested} suspects in connection with the {headline}[| and were looking for others| but gave no details of their identities].",
    "{arrested} people were detained in raids across {place} {when_short}, {spokes} said[|, adding that weapons and explosives had been seized| without saying whether charges would be brought].",
    "Security forces arrested {arrested} men suspected of links to {group}, {official} said[|, in an operation carried out before dawn| during a press conference in {place}].",
]
CLAIMS = {
    "attack": [
        "No group immediately claimed responsibility for the {headline} in {place}, but suspicion fell on {group}[|, which has been active in the {region}|, which has carried out similar attacks before].",
        "{group} claimed responsibility for the {headline} in {place} in a statement [posted online|sent to journalists|read on local radio][|, saying it had targeted the security forces| and threatening further attacks].",
        "Officials blamed {group}, which has carried out similar attacks in the {region}[| and has threatened to strike government targets| in recent months].",
        "A spokesman for {group} said the {headline} was revenge for [recent army operations|the arrest of its leaders|air strikes on its positions][| in the {region}|, in a message sent to a local news agency].",
    ],
    "fighting": [
        "Activists blamed government forces for the {headline} in {place}, a charge the army denied[| in a statement read on state television|, saying it had only hit military targets].",
        "The army said it had targeted positions held by {group} near {place}[| and had killed a number of fighters| in response to attacks on its troops].",
        "Each side blamed the other for the {headline} in {place}[|, and neither account could be independently verified| as fighting continued on the outskirts].",
        "{group} said its fighters had [repelled an army advance|taken several villages|shot down a drone] near {place}[|, a claim the army denied| on {weekday}].",
    ],
}
CAUSES = [
    "{spokes} said the cause of the {headline} was under investigation[| and that the results would be made public| and that no one had yet been charged].",
    "Witnesses in {place} said {cause}[|, but officials said it was too early to say what had happened| and that they had warned the authorities before].",
    "Local authorities blamed [poor maintenance|a lack of inspections|weak enforcement of safety rules] in {place}[|, where many businesses operate without permits| for the {headline}].",
    "Survivors said there had been no warning before the {headline} [struck|happened] near {place}[| and that many people had been asleep| in the early hours].",
    "{official} ordered an inquiry into the {headline} and promised to punish anyone found responsible[|, as anger grew among the families of the victims| for negligence].",
    "The owner of the [site|company|building] was [arrested|questioned by police|being sought by police], {spokes} said[|, adding that several permits had been missing| on {weekday}].",
]
QUOTE_UNITS = [  # each a speaker's quote: an article gives at most one unit of each speaker
    ("official", ["\"{official_quote},\" {official} told reporters in {place}[| after visiting the scene| on {weekday}].",
                  "{official} said: \"{official_quote}.\"",
                  "\"{official_quote},\" {official} said {said_day}[|, speaking outside {hospital}| at a news conference in {place}].",
                  "\"{official_quote},\" {official} said in a [televised address|statement|radio interview][| late on {weekday}| broadcast across the {region}]."]),
    ("spokes", ["\"{spokes_quote},\" {spokes} said in a statement[| released on {weekday}| to the press].",
                "\"{spokes_quote},\" {spokes} told {outlet_name} by telephone[| from {place}| late on {weekday}].",
                "{spokes} told reporters in {place} {said_day}: \"{spokes_quote}.\""]),
    ("witness", ["\"{witness_quote},\" said {witness}, a {job} who was near the {site} at the time[| and helped carry the injured|].",
                 "\"{witness_quote},\" said {witness}, a {job} from {place}[| who had come to look for relatives|].",
                 "{witness}, a {job}, said: \"{witness_quote}.\"",
                 "\"{witness_quote},\" {witness}, a {job} who lives nearby, told {outlet_name}."]),
]
WITNESS_MORE = ["\"{witness_quote2},\" {witness_last} said, adding that {reaction}.",
                "\"{witness_quote2},\" added {witness_last}, the {job}.",
                "{witness_last} said {reaction} after the {headline}[| and that people felt abandoned by the authorities|]."]
OFFICIAL_QUOTES = {
    None: ["We are doing everything we can to help the families", "The people of {place} have suffered too much",
           "We appeal for calm and ask residents to stay at home", "This is a tragedy for the whole nation",
           "We need more help from the international community", "The government will stand by the victims",
           "Every effort is being made to identify the victims", "I have ordered all services to remain on alert"],
    "attack": ["This is a cowardly act that will not go unpunished", "Our forces will hunt down those responsible",
               "Security has been reinforced across the city", "We will not be intimidated by terrorists",
               "The attackers will be found and brought to justice"],
    "fighting": ["Our forces are protecting civilians", "Those who target civilians will answer for it",
                 "We call on all sides to respect the ceasefire"],
    "accident": ["Those responsible for this negligence will be punished", "We will review the safety rules",
                 "The investigation will establish what went wrong"],
    "disaster": ["We are still searching for people under the rubble", "More rescue teams are on their way",
                 "The situation remains critical in several areas"],
}
SPOKES_QUOTES = ["The situation is now under control", "The investigation has only just started",
                 "We fear the number of victims could rise", "We will give more details once the families have been informed",
                 "Our teams have been working through the night", "The area has been sealed off"]
WITNESS_QUOTES = {
    None: ["Nobody expected this to happen here", "It was chaos, nobody knew what to do",
           "My brother was there when it happened", "Families are waiting for news of their relatives",
           "Life will not return to normal for a long time", "We are afraid it will happen again"],
    "attack": ["We heard a huge explosion and then everybody started running", "I saw bodies lying on the ground",
               "There was smoke everywhere and people were screaming", "I hid under a table until it stopped"],
    "fighting": ["The shelling went on all night", "We could not leave the house to get water",
                 "The children are terrified"],
    "accident": ["We heard a loud crash and ran to help", "People were trapped inside and we could not reach them",
                 "It happened so fast, nobody could do anything"],
    "disaster": ["We have lost everything", "Our house was destroyed", "We are sleeping outside because we are afraid",
                 "We dug with our hands to reach the survivors"],
}
REACTIONS = [
    "residents of {place} were afraid to leave their homes", "the authorities in {place} had ignored repeated warnings",
    "shops in the centre of {place} stayed closed", "many families had already left {place}",
    "the roads out of {place} were jammed with cars", "nobody had come to help {place} in the first hours",
]
REAL = [
    "{real} condemned the {headline} in {place} and offered condolences to the victims' families[| in a written statement|, calling for those responsible to be found].",
    "{real} called the {headline} in {place} \"a terrible tragedy\" and pledged support to the {adj} authorities[| in the days ahead|].",
    "In a statement, {real} said the loss of life in {place} was \"deeply [saddening|shocking]\"[| and offered help with the rescue effort|].",
    "{real} spoke by telephone with {adj} officials about the {headline}, according to a statement[| that gave no further details| issued on {said_day_name}].",
    "{real} urged [all sides|the authorities] to [show restraint|protect civilians] after the events in {place}[|, which drew condemnation from several governments|].",
]
REAL_VIOLENT = [
    "{real} called the {headline} in {place} \"[an outrage|a heinous act|a cowardly attack]\" and said the {adj} government had the [full support|backing] of [the international community|its partners].",
    "{real} said those behind the {headline} in {place} must be brought to justice[|, according to a statement|].",
]
OFFICIAL_SAYS = [
    "{official} visited the scene {when_short} and promised that the victims' families would receive [help|compensation][| from the government| within days].",
    "{official} declared [three|two|seven] days of mourning in the {region}[| and ordered flags to be flown at half-mast on public buildings|].",
    "{official} said the {adj} authorities had stepped up security at the entrances to {place}[| and around markets, schools and places of worship|].",
    "{spokes} said investigators were examining the site of the {headline}[| and questioning witnesses| to establish exactly what happened].",
    "{official} called an emergency meeting of [security officials|the crisis committee|local leaders] in {place}[| late on {weekday}| to discuss the response].",
    "{official} said the authorities in {place} would publish a full list of the victims of the {headline} once relatives had been told[|, and asked the media to respect the families' grief|].",
    "{official} appealed for [blood donations|calm|patience] {when_short} and asked residents of {place} to follow the instructions of the [police|emergency services|authorities][| in the coming days|].",
    "{spokes} said a [curfew|ban on motorcycles|ban on gatherings] would remain in force in {place} until further notice[|, as tension remained high in the town|].",
]
BACKGROUND = {
    "attack": [
        "The {region} around {place} has seen repeated attacks by armed groups despite a heavy army presence[| and the deployment of regional troops| in recent years].",
        "{group} has been fighting the {adj} government for control of the {region} [for years|since the army withdrew][|, and has recruited heavily among young men who have no work|].",
        "The {headline} was the deadliest in {place} since the army retook the city from {group}[| with the help of foreign troops|].",
        "{local}, a {local_role} in {place}, said insecurity had driven many [traders|farmers|families] out of the area[| and that prices for basic goods had risen sharply|].",
        "The {adj} government has struggled to contain the insurgency around {place}[|, where the state has little presence outside the main towns|].",
        "{place} had been relatively calm in recent [weeks|months] before the {headline}[|, and some families who had fled had started to return|].",
        "Analysts say {group} has shifted to smaller, harder-to-prevent attacks in towns like {place}[| as it has lost ground to the army|].",
        "Foreign troops have been helping the {adj} army to secure {place} and other towns of the {region}[|, but their presence is resented by some residents| since {group} was pushed back].",
        "Checkpoints around {place} were reinforced after [threats|warnings] from {group} [last month|earlier this month][|, but residents say the attackers often use back roads|].",
    ],
    "fighting": [
        "The {region} has been divided between government forces and {group} [for months|since last year][|, with front lines shifting from week to week|].",
        "Aid groups have warned that the fighting in the {region} is worsening a humanitarian crisis[| and cutting off supplies of food and medicine|].",
        "{place} has been under [siege|bombardment] for [weeks|months], {local}, a {local_role}, said[|, and food and fuel have become scarce|].",
        "Talks between the {adj} government and {group} broke down [earlier this month|last month] without agreement[| on a ceasefire| on the release of prisoners].",
        "Independent verification of casualty figures in {place} is difficult because access for journalists is restricted[| by both sides|].",
        "Both the army and {group} have been accused of using heavy weapons in residential areas of {place}[| by human rights groups| by {agency}].",
    ],
    "accident": [
        "Accidents like the {headline} near {place} are common in {country}, where safety rules are often [ignored|poorly enforced][| and vehicles and buildings are rarely inspected|].",
        "Roads around {place}, where the {headline} happened, are [notoriously poor|badly maintained] and [badly lit at night|crowded with lorries][|, and drivers often work long hours without rest|].",
        "The {adj} authorities have promised for years to improve safety standards[| in the {region}|], but the {headline} near {place} showed how little had changed[|, critics said|].",
        "{local}, a {local_role} in {place}, said similar accidents had happened in the area before[| and that their complaints had been ignored|].",
        "Critics blamed corruption and weak enforcement for the {headline} in {place}, the latest of [repeated|several|many] disasters in {country}[|, where inspectors are poorly paid|].",
        "Rescue efforts in {place} were slowed {when_short} by [a lack of equipment|narrow streets|the crowds that gathered at the scene][| in the first hours after the {headline}|].",
    ],
    "disaster": [
        "The area around {place} is prone to [flooding|landslides|storms] during the rainy season[|, and deforestation has made the hillsides more unstable|].",
        "Aid agencies warned that the {headline} could leave [many|thousands of] families around {place} without food[| in the coming weeks| as crops had been destroyed].",
        "Many houses in {place} are built of [mud brick|wood|corrugated iron] and [collapse easily|offer little protection], officials said[|, making the area especially vulnerable|].",
        "The {adj} government appealed {said_day} for international help to cope with the {headline} around {place}[| and released emergency funds|].",
        "Forecasters warned that more [heavy rain|strong winds] were expected over {place} and the rest of the {region} in the coming days[|, raising fears of further damage|].",
        "Roads and bridges leading to {place} were cut {when_short}, making it hard for rescuers to reach the area[| with heavy equipment| and deliver supplies].",
    ],
}
CONTEXT = [
    "The {adj} parliament is due to debate [a new security law|emergency funding|the budget] [next week|later this month] after the {headline} in {place}[|, and the opposition has demanded a full inquiry|].",
    "{agency} warned {said_day} that the needs in and around {place} far exceed the aid available[| and has called on donors to act quickly|].",
    "The {adj} opposition accused the government of failing to protect the people of {place} from the {headline}[| and called for the resignation of {official}| and called for an inquiry|].",
    "Schools in {place} were closed {when_short} after the {headline} and [many offices|most shops|the main market] did not open[|, residents said| as people stayed at home].",
    "{local}, a {local_role} in {place}, called on the government to [do more for the victims|send more help|explain its response][| and to involve communities in its plans|].",
    "The {headline} in {place} has revived criticism of the {adj} government's handling of [security|emergencies|public safety] in the {region}[| ahead of elections next year|].",
    "Journalists who reached {place} after the {headline} described [scenes of devastation|a tense calm|streets littered with debris][| and long queues outside the hospital|].",
    "Telephone lines to {place} and nearby villages were [down|cut|unreliable] {when_short}, making it hard to confirm details[| of what happened| of the casualties].",
]
HISTORY = [
    "In {past_year}, a similar {headline} in {place} killed {past_killed} people[| and led to protests against the authorities|].",
    "In a separate attack {when_short}, {other_killed} police officers were killed at a checkpoint outside {other_place}[|, officials said|].",
    "In another incident [earlier this month|last week], {other_killed} people were wounded in {other_place}[|, according to local media|].",
    "More than {past_killed2} people were killed in the {region} last year, according to {agency}[|, which has called for better protection of civilians|].",
]
CLOSINGS = [
    "{outlet_name} could not independently confirm the figures for the {headline} in {place}[| given by the authorities| given by officials].",
    "Reporters were not allowed to visit the site of the {headline} in {place}[|, which was sealed off by the police|].",
    "Communications with {place} remained difficult {when_short}, and details were still emerging[| late in the day|].",
    "Further information on the {headline} in {place} was expected from the {adj} authorities [later in the day|in the coming days][|, officials said|].",
    "{agency} said it was sending a team to {place} to assess needs after the {headline}[| and would publish its findings|].",
]
ATTRIBUTIONS = [  # a source for what a sentence tells without one: mostly named, so each event has its own
    ", said {analyst}, [a researcher|an analyst|a senior fellow] at {institute}.", ", according to {analyst} of {institute}.",
    ", according to {local}, a {local_role} in {place}.", ", said {local}, a {local_role} in {place}.",
    ", {local}, a {local_role}, told {outlet_name}.", ", {analyst} of {institute} told {outlet_name}.",
    ", {local} said.", ", {analyst} said.", ", residents said.", ", according to security sources who asked not to be named.",
]
TITLES = [
    "{killed_n} killed in {place} {headline}", "{killed_n} dead in {place} {headline}",
    "{headline} in {country}: {killed_n} dead", "{place}: {killed_n} dead after {headline}",
    "Deadly {headline} in {place}", "{headline} in {region} leaves {killed_n} dead",
    "[Mourning|Anger|Shock] in {place} after deadly {headline}",
]
TEMPLATE_COUNT = sum(len(t) for group in (LEADS, CLAIMS, BACKGROUND) for t in group.values()) + sum(
    len(t) for t in (CASUALTIES, CHILDREN, TROOPS, RESCUE, DISPLACED, ARRESTS, CAUSES, WITNESS_MORE, REAL,
                     OFFICIAL_SAYS, CONTEXT, HISTORY, CLOSINGS)) + sum(len(t) for _, t in QUOTE_UNITS)
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
HEDGES = ["at least {}", "{}", "{}", "more than {}", "about {}", "nearly {}"]
CHOICE = re.compile(r"\[([^\]]*\|[^\]]*)\]")
MIN_SENTENCES, MAX_SENTENCES = 12, 40
ATTRIBUTED = re.compile(r"\"|\b(?:said|says?|according to|reported|told|blamed|accused|warned|described|claimed)\b")


# ---- events and articles ---------------------------------------------------------------------


@dataclass
class Event:
    number: int
    day: dt.date
    kind: str
    place: tuple[str, str, str, str]
    site: str
    names: dict[str, str]  # who speaks and who is named: the same in every report of the event
    figures: dict[str, int]  # as the first report gives them
    wire: list[tuple[str, str]] = field(default_factory=list)  # (template, sentence) every report may copy word for word
    articles: list[dict] = field(default_factory=list)


def person(rng: Rng) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", last


def new_event(rng: Rng, number: int, day: dt.date) -> Event:
    kind = rng.choice(KIND_NAMES)
    family = KINDS[kind].family
    place = rng.choice(PLACES)
    official, official_last = person(rng)
    spokes, spokes_last = person(rng)
    if rng.random() < 0.5:  # named again in full (without the title) rather than by surname
        official_last, spokes_last = official, spokes
    witness, witness_last = person(rng)
    analyst, _ = person(rng)
    local, _ = person(rng)
    medic, _ = person(rng)
    killed = rng.choice([rng.randint(3, 19), rng.randint(8, 45), rng.randint(20, 120)])
    other = rng.choice(PLACES)[0]
    names = {
        "official": f"{rng.choice(OFFICIALS)} {official}", "official_last": official_last,
        "spokes": f"{rng.choice(SPOKES)} {spokes}", "spokes_last": spokes_last,
        "witness": witness, "witness_last": witness_last, "job": rng.choice(JOBS),
        "analyst": analyst, "institute": rng.choice(INSTITUTES), "local": local, "local_role": rng.choice(LOCAL_ROLES),
        "medic": medic,
        "group": rng.choice(GROUPS), "agency": rng.choice(AGENCIES), "hospital": rng.choice(HOSPITALS),
        "other_place": other if other != place[0] else "the capital",
        "official_quote": rng.choice(OFFICIAL_QUOTES[None] + OFFICIAL_QUOTES[family]).format(place=place[0]),
        "spokes_quote": rng.choice(SPOKES_QUOTES),
        "witness_quote": rng.choice(WITNESS_QUOTES[None] + WITNESS_QUOTES[family]),
        "witness_quote2": rng.choice(WITNESS_QUOTES[None]),
        # the event's history, told alike by every report
        "past_year": str(day.year - rng.randint(1, 6)), "past_killed": str(rng.randint(5, 90)),
        "past_killed2": str(rng.randint(100, 900)),
    }
    if names["witness_quote2"] == names["witness_quote"]:
        names["witness_quote2"] = "We are still in shock"
    figures = {
        "killed": killed, "wounded": killed + rng.randint(2, 3 * killed + 10),
        "troops": rng.choice([50, 100, 150, 200, 300, 400, 500, 800, 1000, 1200, 1500, 2000, 2500, 3000]),
        "displaced": rng.choice([500, 800, 1000, 1500, 2000, 3000, 4000, 5000, 7000, 10000, 12000, 15000, 20000]),
        "arrested": rng.randint(2, 25), "children": max(2, killed // rng.randint(3, 6)),
    }
    return Event(number=number, day=day, kind=kind, place=place,
                 site=rng.choice(SITES) if KINDS[kind].site else "scene", names=names, figures=figures)


def disagreeing(rng: Rng, value: int) -> int:
    """Another report's figure for the same count: off by 15 to 60 per cent, never the same."""
    other = value * rng.choice([rng.uniform(0.5, 0.85), rng.uniform(1.15, 1.6)])
    step = 100 if value >= 1000 else 10 if value >= 100 else 1  # large counts are given round
    other = max(1, round(other / step) * step)
    return other if other != value else value + step


def counted(rng: Rng, value: int, hedge: bool) -> str:
    """A count as a report writes it: small ones often in words, some with a hedge."""
    text = NUMBER_WORDS[value] if value < len(NUMBER_WORDS) and rng.random() < 0.6 else f"{value:,}"
    return rng.choice(HEDGES).format(text) if hedge else text


def real_people(day: dt.date, country: str) -> list[str]:
    iso = day.isoformat()
    return [words for words, start, end, local in REAL_PEOPLE
            if start <= iso and (end is None or iso < end) and local in (None, country)]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Rng(random.Random):
    """The generator's random numbers; `choice` by one draw, faster than the library's (same
    seed, same choices on every Python version)."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


PARSED: dict[str, list] = {}  # template -> its text and choices, alternately


def fill(rng: Rng, template: str, fields: dict) -> str:
    """A template filled: its "[a|b]" choices made, its fields given, its first letter a capital."""
    pieces = PARSED.get(template)
    if pieces is None:
        pieces = PARSED[template] = [p if n % 2 == 0 else p.split("|") for n, p in enumerate(CHOICE.split(template))]
    text = pieces[0] if len(pieces) == 1 else "".join(p if n % 2 == 0 else rng.choice(p) for n, p in enumerate(pieces))
    return cap(text.format_map(fields))


def article_fields(rng: Rng, event: Event, article_day: dt.date, figures: dict, outlet: str) -> dict:
    """The values of the template fields for one article."""
    city, region, country, adj = event.place
    kind = KINDS[event.kind]
    weekday = WEEKDAYS[event.day.weekday()]
    monthday = f"{MONTHS[event.day.month - 1]} {event.day.day}"
    when = rng.choice([f"on {weekday}"] * 3 + [f"late on {weekday}", f"on {weekday} morning", f"on {weekday} evening",
                                                f"on {monthday}", f"on {weekday}, {monthday}"])
    real = real_people(article_day, country)
    fields = dict(
        event.names, place=city, region=region, country=country, adj=adj, when=when, when_short=f"on {weekday}",
        said_day=f"on {WEEKDAYS[article_day.weekday()]}", said_day_name=WEEKDAYS[article_day.weekday()], weekday=weekday,
        headline=kind.headline, site=event.site,
        what=kind.what.format(site=event.site), victims=kind.victims,
        cause=rng.choice(kind.causes) if kind.causes else None,
        killed=counted(rng, figures["killed"], hedge=True), killed_n=f"{figures['killed']:,}",
        wounded=f"{figures['wounded']:,}", troops=f"{figures['troops']:,}", displaced=f"{figures['displaced']:,}",
        arrested=counted(rng, figures["arrested"], hedge=False), children=counted(rng, figures["children"], hedge=False),
        real=rng.choice(real) if real else None, reaction=rng.choice(REACTIONS).format(place=city),
        other_killed=counted(rng, rng.randint(2, 9), hedge=False),
        outlet_name=outlet,
    )
    return fields


def body_units(rng: Rng, family: str, fields: dict) -> list[list[tuple[list[str], str | None]]]:
    """What an article may say after its lead, in three parts told in order (the facts, what people
    said, the background), each shuffled: units of one or more sentences, each sentence given as
    (templates to choose from, the figure it states)."""
    violent = family in VIOLENT
    facts = [[([t], "wounded" if "{wounded}" in t else None)] for t in rng.sample(CASUALTIES, 3)]
    if family != "accident":
        facts.append([(CHILDREN, "children")])
    if violent:
        facts += [[([t], "troops")] for t in rng.sample(TROOPS, 2)]
        facts += [[([t], None)] for t in rng.sample(CLAIMS[family], 2)]
        if family == "attack":
            facts.append([(ARRESTS, "arrested")])
    elif family == "accident":
        facts += [[([t], None)] for t in rng.sample(CAUSES, 3)] + [[(RESCUE, "troops")]]
    else:
        facts += [[([t], "displaced")] for t in rng.sample(DISPLACED, 2)] + [[(RESCUE, "troops")]]
    said = [[(templates, None)] for _, templates in QUOTE_UNITS]
    said[-1].append((WITNESS_MORE, None))  # the witness says more after they were named
    said += [[([t], None)] for t in rng.sample(OFFICIAL_SAYS, 5)]
    if fields["real"]:
        said.append([(REAL + REAL_VIOLENT if violent else REAL, None)])
    background = [[([t], None)] for t in BACKGROUND[family] + rng.sample(CONTEXT, 7) + rng.sample(CLOSINGS, 2)]
    background += [[([t], None)] for t in rng.sample(HISTORY, 2)]
    for part in (facts, said, background):
        rng.shuffle(part)
    return [facts, said, background]


def write_article(rng: Rng, event: Event, figures: dict, article_day: dt.date,
                  outlet: str) -> tuple[str, dict, int, int]:
    """The article's file text, the figures it gives, its words and sentences."""
    family = KINDS[event.kind].family
    fields = article_fields(rng, event, article_day, figures, outlet)
    target = rng.randint(300, 900)
    lead = rng.choice(LEADS[family])
    named = Names(fields)
    sentences = [named(fill(rng, lead, fields))]
    given = {f: figures[f] for f in ("killed", "wounded", "displaced") if "{" + f in lead}
    words = len(sentences[0].split())
    breaks = []  # where a paragraph may not end (inside a unit)
    wire = [(t, s) for t, s in event.wire if rng.random() < 0.6]
    copied = [t for t, _ in wire]  # their templates are not filled again
    for part in body_units(rng, family, fields):
        for unit in part:
            if (words >= target and len(sentences) >= MIN_SENTENCES) or len(sentences) + len(unit) > MAX_SENTENCES:
                break
            if unit[0][0][0] in copied:
                continue
            if wire and rng.random() < 0.25:
                sentence = named(wire.pop()[1])
                sentences.append(sentence)
                words += len(sentence.split())
            for n, (templates, figure) in enumerate(unit):
                template = rng.choice(templates)
                sentence = fill(rng, template, fields)
                if figure is None and rng.random() < 0.8 and not attributed(template):
                    sentence = sentence[:-1] + fill(rng, rng.choice(ATTRIBUTIONS), fields)
                sentence = named(sentence)
                if n:
                    breaks.append(len(sentences))
                if figure:
                    given[figure] = figures[figure]
                sentences.append(sentence)
                words += len(sentence.split())
    paragraphs, start = [], 0
    while start < len(sentences):
        end = start + (1 if start == 0 else rng.choice([1, 2, 2, 3]))
        while end in breaks:
            end += 1
        paragraphs.append(" ".join(sentences[start:end]))
        start = end
    title = fill(rng, rng.choice(TITLES), fields)
    front = f"---\ntitle: {json.dumps(title)}\ndate: {article_day.isoformat()}\noutlet: {json.dumps(outlet)}\n---\n\n"
    return front + "\n\n".join(paragraphs) + "\n", given, words, len(sentences)


@functools.cache
def attributed(template: str) -> bool:
    """Whether a template gives a source already (a quote, "said", "according to", ...)."""
    return ATTRIBUTED.search(template) is not None


class Names:
    """Shortens the official and the spokesperson after their first mention by title and full name
    (to their surname, or their name without the title), sentence by sentence as the article is written."""

    def __init__(self, fields: dict):
        self.people = [(fields[key], cap(fields[key]), fields[key + "_last"]) for key in ("official", "spokes")]
        self.seen = [False, False]

    def __call__(self, sentence: str) -> str:
        for n, (full, capped, last) in enumerate(self.people):
            form = full if full in sentence else capped if capped in sentence else None
            if form:
                head, _, tail = sentence.partition(form)
                sentence = head + (last if self.seen[n] else form) + tail.replace(full, last)
                self.seen[n] = True
        return sentence


def wire_sentences(rng: Rng, event: Event) -> list[tuple[str, str]]:
    """Sentences of the event's wire copy that its reports may give word for word (no disputed
    figure in them), with their templates."""
    family = KINDS[event.kind].family
    fields = article_fields(rng, event, event.day, event.figures, "")
    chosen = rng.sample(BACKGROUND[family], 2) + [rng.choice(CONTEXT)]
    return [(t, fill(rng, t, fields)) for t in chosen]


def write(path: Path, data: bytes) -> None:
    """`data` as the whole file at `path`, through the os calls alone (no file object)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def plan_days(articles: int, days: int) -> list[int]:
    """Articles per day: equal, the first days one more when they do not divide."""
    return [articles // days + (1 if d < articles % days else 0) for d in range(days)]


def generate(out: Path, articles: int, days: int, seed: int, start: dt.date, repeat_share: float) -> dict:
    rng = Rng(seed)
    width = max(6, len(str(articles - 1)))
    slots = [d for d, count in enumerate(plan_days(articles, days)) for _ in range(count)]
    repeats = min(round(repeat_share * articles), articles - 1)
    repeat_slots = set(rng.sample(range(1, articles), repeats))
    events: list[Event] = []
    first_day: dict[int, list[Event]] = {}  # day number -> the events first reported that day
    word_counts, sentence_counts = [], []
    for n, d in enumerate(slots):
        day = start + dt.timedelta(days=d)
        earlier = first_day.get(d - 1, []) + first_day.get(d, [])
        if n in repeat_slots and earlier:
            event = rng.choice(earlier)
            base = event.figures
            killed, given = disagreeing(rng, base["killed"]), [r["figures"]["killed"] for r in event.articles]
            while killed in given:  # every report its own death toll
                killed = disagreeing(rng, base["killed"]) if rng.random() < 0.8 else max(given) + rng.randint(1, 5)
            figures = {"killed": killed,
                       "wounded": base["wounded"] if rng.random() < 0.4 else disagreeing(rng, base["wounded"]),
                       "troops": base["troops"] if rng.random() < 0.5 else disagreeing(rng, base["troops"]),
                       "displaced": disagreeing(rng, base["displaced"]), "arrested": base["arrested"],
                       "children": base["children"]}
        else:
            event = new_event(rng, len(events), day - dt.timedelta(days=rng.choice([0, 0, 0, 1])))
            event.wire = wire_sentences(rng, event)
            events.append(event)
            first_day.setdefault(d, []).append(event)
            figures = event.figures
        used = [a["outlet"] for a in event.articles]
        outlet = rng.choice([o for o in OUTLETS if o not in used] or OUTLETS)
        name = f"{n:0{width}d}.md"
        text, given, words, sentences = write_article(rng, event, figures, day, outlet)
        write(out / name, text.encode())
        event.articles.append({"id": name, "date": day.isoformat(), "outlet": outlet, "figures": given})
        word_counts.append(words)
        sentence_counts.append(sentences)
    groups = [{"event": f"e{e.number:0{width}d}", "kind": e.kind, "place": e.place[0], "country": e.place[2],
               "day": e.day.isoformat(), "names": {k: e.names[k] for k in ("official", "spokes", "witness")},
               "articles": e.articles} for e in events if len(e.articles) > 1]
    return {
        "seed": seed, "articles": articles, "days": days, "start": start.isoformat(), "repeat_share": repeat_share,
        "events": len(events), "repeated_events": len(groups),
        "repeat_articles": sum(len(g["articles"]) - 1 for g in groups),
        "words_median": statistics.median(word_counts), "sentences_median": statistics.median(sentence_counts),
        "groups": groups,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the articles to (created; must be empty)")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2013, 3, 1), help="first day (YYYY-MM-DD)")
    parser.add_argument("--repeat-share", type=float, default=0.3,
                        help="share of the articles that report an event another article reported")
    parser.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    args = parser.parse_args()
    if args.articles < 1 or args.days < 1:
        parser.error("--articles and --days must be at least 1")
    if not 0 <= args.repeat_share < 1:
        parser.error("--repeat-share must be at least 0 and below 1")
    out = args.out
    if out.exists() and any(out.iterdir()) and not args.force:
        parser.error(f"{out} is not empty (--force writes into it anyway)")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    truth = generate(out, args.articles, args.days, args.seed, args.start, args.repeat_share)
    truth_path = out.resolve().parent / f"{out.resolve().name}.truth.json"
    truth_path.write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    print(f"{args.articles} articles over {args.days} days in {out} ({time.perf_counter() - started:.1f} s): "
          f"median {truth['words_median']:g} words, {truth['sentences_median']:g} sentences; "
          f"{truth['repeated_events']} repeated events ({truth['repeat_articles']} repeat articles); "
          f"truth in {truth_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
